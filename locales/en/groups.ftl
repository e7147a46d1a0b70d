## Command groups (posko), status broadcasts, jam rawan, strength report, exports.

cmd-posko = Register a group as command post
cmd-posko-example = /posko BRIMOB, Polres Sanggau
cmd-status = Readiness status now
cmd-status-example = /status BRIMOB
cmd-laporan = Personnel strength report
cmd-laporan-example = /laporan
cmd-ekspor = Export data to Excel/CSV
cmd-ekspor-example = /ekspor
cmd-jamrawan = Vulnerable hours: on/off
cmd-jamrawan-example = /jamrawan on

## Posko: registering a group and its settings

posko-in-private = /posko is used in a group: add the bot to the command post group, then type /posko there.
posko-commander-only = Commands in a command post group are for registered commanders only.
posko-not-registered = This group is not registered as a command post. A commander can register it with /posko.
posko-no-scope = You have no unit or category assigned yet, so there is nothing to broadcast. Ask an admin, e.g. <code>/angkat 87050123 komandan BRIMOB</code>
posko-scope-unknown = "{ $value }" is neither a category nor a unit. Categories: { $categories }.
    Example: <code>/posko BRIMOB, Polres Sanggau</code>
posko-scope-outside = { $value } is outside your command. Your command: { $scope }.
posko-scope-everything = the whole command
posko-registered = ✅ This group is registered as a <b>command post</b>.
    Scope: { $scope }
    Status every { $interval } minutes; during vulnerable hours every { $dense } minutes.
    Change the scope with <code>/posko BRIMOB, Polres Sanggau</code>; adjust the display with the buttons below.
posko-rescoped = ✅ Command post scope updated: { $scope }
posko-settings = <b>Command post</b> · scope: { $scope }
    Status message: { $mode }
    Chart: { $chart }
posko-mode-new = a new message each time
posko-mode-pinned = one pinned message, updated in place
posko-chart-yes = included
posko-chart-no = not included
posko-button-pinned = One pinned message
posko-button-new = New message each time
posko-button-chart-on = Include the chart
posko-button-chart-off = No chart
posko-button-stop = Stop broadcasts
posko-set-pinned = The status is now one pinned message that keeps itself up to date.
posko-set-new = Each broadcast is now sent as a new message.
posko-set-chart-on = The chart is included in every broadcast.
posko-set-chart-off = The chart is no longer included.
posko-stopped = Status broadcasts to this group stopped. Type /posko to register it again.
posko-saved = Saved.
posko-usage = Format: <code>/posko [CATEGORY or UNIT, …]</code>
    Settings:
    <code>/posko sematkan</code> (pinned)
    <code>/posko baru</code> (new)
    <code>/posko grafik on</code>
    <code>/posko grafik off</code>
    <code>/posko berhenti</code> (stop)
posko-hello = Siaga has joined this group. A commander can register it as a command post with /posko (e.g. <code>/posko BRIMOB</code>).
posko-removed-notice = The bot was removed from the group <b>{ $title }</b>: status broadcasts to it stopped.
posko-unreachable-notice = 🚫 The group <b>{ $title }</b> can no longer receive messages (deleted, or the bot was removed or restricted). It is no longer registered as a command post. Add the bot again and type /posko to register it.
posko-pin-denied = The bot cannot pin the status message yet. Make the bot a group admin allowed to pin messages; the status message still keeps itself up to date.

## Status (broadcast and /status)

sts-title = <b>READINESS STATUS</b> · { $time }
sts-jam-rawan = <b>VULNERABLE HOURS</b>
sts-scope = Scope: { $scope }
sts-col-category = Cat
sts-col-strength = Str
sts-col-siap = Rdy
sts-col-tidak-siap = NRdy
sts-col-bertugas = Dep
sts-col-total = Total
sts-legend = <i>Str strength · NRdy not ready · Dep deployed</i>
sts-count-stale = ⏳ { $count } to be reconfirmed
sts-count-unknown = { $count } not reported
sts-count-unreachable = 🚫 { $count } cannot be reached
sts-count-linked = { $linked } of { $strength } registered with the bot
sts-reasons-title = ❌ Not ready by reason:
sts-reason-sakit = Sick
sts-reason-izin = Exc
sts-reason-cuti = Leave
sts-reason-dik = Edu
sts-reason-dinas-luar = Duty
sts-reason-bko = BKO
sts-reason-lainnya = Other
sts-callouts-title = 🚨 Active call-outs:
sts-callouts-none = 🚨 Active call-outs: none
sts-callout-line = • #{ $id } { $categories } ✅ { $accepted }/{ $quota } · 📍 { $arrived }
    → { $location }
sts-callout-drill = { $line } (drill)
sts-rollcalls-title = Open roll calls:
sts-rollcall-line = • #{ $id } { $kind } { $scope }
    ✅ { $yes } · ❌ { $no } · ⏳ { $waiting } · closes { $closes }
sts-rollcall-apel = ROLL CALL
sts-rollcall-cek = READINESS CHECK
sts-rollcall-everyone = everyone
sts-more = … and { $count } more
sts-empty = Nobody active in this scope.
sts-scope-outside = { $value } is outside your command. Your command: { $scope }.
sts-names-button = Names (private chat)
sts-names-sent = The names were sent to your private chat.
sts-names-title = <b>Names</b> · { $time }
    { $scope }
sts-names-tidak-siap = ❌ <b>Not ready</b> ({ $count })
sts-names-stale = ⏳ <b>Not reconfirmed</b> ({ $count })
sts-names-unreachable = 🚫 <b>Unreachable</b> ({ $count })
sts-names-person = • { $name }
    { $unit } · { $category }
sts-names-person-reason = • { $name }
    { $unit } · { $category } — { $reason }
sts-names-more = … and { $count } more (in full: /ekspor)
sts-names-none = ✅ Everyone in scope is ready and reachable.
sts-chart-caption = Readiness per category · { $time }
sts-chart-title = Readiness per category
sts-chart-siap = Ready
sts-chart-stale = Not reconfirmed
sts-chart-tidak-siap = Not ready
sts-chart-bertugas = Deployed
sts-chart-rest = No answer
sts-chart-axis = % of strength
sts-chart-bar = ready { $siap }/{ $strength }

## Strength report

lap-title = <b>PERSONNEL STRENGTH REPORT</b> · { $time }
lap-scope = Scope: { $scope }
lap-unit = <b>{ $unit }</b>
lap-whole = <b>Whole command</b> (per category)
lap-col-category = Category
lap-col-jumlah = Tot
lap-col-siap = Rdy
lap-col-kurang = Short
lap-total = Total
lap-kind-bertugas = deployed
lap-kind-sakit = sick
lap-kind-izin = excused
lap-kind-cuti = leave
lap-kind-dik = training
lap-kind-dinas-luar = duty
lap-kind-bko = BKO
lap-kind-lainnya = other
lap-kind-stale = to reconf.
lap-kind-unknown = not reported
lap-legend = <i>Ready: a readiness confirmation still valid.
    Short = total − ready. duty: duty elsewhere
    training: education · to reconf.: to be
    reconfirmed</i>
lap-empty = Nobody active in this scope.

## Vulnerable hours (jam rawan)

jr-card = ⏰ Vulnerable hours: <b>{ $state }</b>
    Daily schedule: { $windows }
    Status every { $interval } minutes; during vulnerable hours every { $dense } minutes.
    Readiness stays valid { $stale } hours; during vulnerable hours { $stale_rawan } hours.
jr-state-on = ON
jr-state-manual = ON (turned on by a commander)
jr-state-off = off
jr-no-windows = none
jr-button-on = ⏰ Turn on
jr-button-off = Turn off
jr-turned-on = ⏰ Vulnerable hours <b>turned on</b>: status every { $dense } minutes, readiness valid { $stale_rawan } hours.
jr-turned-off = Manual vulnerable hours <b>turned off</b>. The daily schedule still applies: { $windows }.
jr-already-on = Vulnerable hours are already on.
jr-already-off = Manual vulnerable hours are already off. Daily schedule: { $windows }.
jr-windows-set = ✅ Vulnerable hours schedule: { $windows }
jr-windows-reset = ✅ Vulnerable hours schedule back to the configuration: { $windows }
jr-bad-window = The schedule "{ $value }" cannot be read. Write a start and an end time (24-hour), several separated by commas.
    Example: <code>/jamrawan 18:00-23:59,00:00-06:00</code>
jr-windows-admin-only = Only an admin can change the schedule. Commanders can turn it on or off: <code>/jamrawan on</code>
jr-usage = Format:
    <code>/jamrawan on</code> · <code>/jamrawan off</code>
    <code>/jamrawan bawaan</code> (default)
    Schedule (admin): <code>/jamrawan 18:00-23:59,00:00-06:00</code>

## Exports

eks-private-only = Exports hold personal data, so they are only sent in a private chat. Open a private chat with the bot and type /ekspor.
eks-choose = <b>Export</b> — choose the data:
eks-kind-roster = Personnel list
eks-kind-apel = Roll call results
eks-kind-callout = Call-out results
eks-kind-apel-nonresponders = Not reported: roll call
eks-kind-callout-nonresponders = Not reported: call-out
eks-kind-audit = Audit log
eks-choose-apel = Choose a roll call:
eks-choose-callout = Choose a call-out:
eks-apel-item = #{ $id } { $kind } { $scope }
    { $time }
eks-callout-item = #{ $id } { $categories } · { $time }
eks-none-apel = No roll calls within your command yet.
eks-none-callout = No call-outs within your command yet.
eks-choose-range = Choose the audit log's date range:
eks-range-today = Today
eks-range-7 = 7 days
eks-range-30 = 30 days
eks-range-type = Type a range
eks-ask-range = Type a date range, e.g. <code>2024-02-01 2024-02-14</code> (or one date).
eks-choose-format = Choose a format:
eks-format-xlsx = Excel (XLSX)
eks-format-csv = CSV
eks-caption = { $title } · { $rows } rows · { $time }
eks-caption-empty = { $title } · { $time }
    No data yet (the file has the column titles only).
eks-making = ⏳ Preparing the file…
eks-usage = Format: <code>/ekspor</code> then choose with the buttons, or directly:
    <code>/ekspor personel xlsx</code>
    <code>/ekspor apel 5 csv</code>
    <code>/ekspor pengerahan 12</code>
    <code>/ekspor belum-apel 5</code>
    <code>/ekspor belum-pengerahan 12</code>
    Audit log: <code>/ekspor audit 2024-02-01 2024-02-14</code>
eks-audit-admin-only = The audit log is for admins only.
eks-needs-dates = The audit log needs a date range, e.g. <code>/ekspor audit 2024-02-01 2024-02-14</code>
eks-needs-id = Give the number, e.g. <code>/ekspor apel 5</code>
eks-unknown-apel = Roll call #{ $ref } was not found.
eks-unknown-callout = Call-out #{ $ref } was not found.
eks-not-yours = That data is outside your command.
eks-range-usage = The date range "{ $value }" cannot be read. Example: <code>2024-02-01 2024-02-14</code>
eks-range-bad-date = The date "{ $value }" is not recognised. Write YYYY-MM-DD or DD-MM-YYYY, e.g. <code>2024-02-14</code>
eks-range-backwards = The range "{ $value }" is backwards: the end is before the start. Example: <code>2024-02-01 2024-02-14</code>
eks-sheet-roster = Roster
eks-sheet-apel = Roll call
eks-sheet-callout = Call-out
eks-sheet-apel-nonresponders = Roll call non-responders
eks-sheet-callout-nonresponders = Call-out non-responders
eks-sheet-apel-detail = Per person
eks-apel-whole = Whole roll call
eks-col-jumlah = Total
eks-col-kurang = Short
eks-col-hadir = Present
eks-col-keterangan = Details (names)
eks-sheet-audit = Audit log
eks-col-nrp = NRP
eks-col-rank = Rank
eks-col-name = Name
eks-col-category = Category
eks-col-unit = Unit
eks-col-phone = Phone
eks-col-role = Role
eks-col-linked = Registered with the bot
eks-col-state = Readiness
eks-col-reason = Reason
eks-col-reason-text = Notes
eks-col-until = Until
eks-col-confirmed = Last confirmed
eks-col-unreachable = Unreachable
eks-col-status = Status
eks-col-answered = Answered at
eks-col-location = Location
eks-col-distance = Distance (m)
eks-col-invited = Invited at
eks-col-arrived = Arrived at
eks-col-arrival = Arrival
eks-col-released = Returned to unit
eks-col-time = Time
eks-col-action = Action
eks-col-subject = Subject
eks-yes = yes
eks-no = no
eks-role-anggota = member
eks-role-komandan = commander
eks-role-admin = admin
eks-state-siap = ready
eks-state-stale = not reconfirmed
eks-state-tidak-siap = not ready
eks-state-bertugas = deployed
eks-state-unknown = not reported
eks-reason-sakit = sick
eks-reason-izin = excused
eks-reason-cuti = on leave
eks-reason-dik = training (dik)
eks-reason-dinas-luar = on duty elsewhere
eks-reason-bko = BKO (other command)
eks-reason-lainnya = other
eks-rc-yes = present
eks-rc-no = absent
eks-rc-belum-menjawab = not reported
eks-rc-tak-terjangkau = cannot be reached
eks-rc-belum-terdaftar = not registered with the bot
eks-rc-nonaktif = inactive
eks-rc-bertugas = deployed
eks-inv-pending = waiting
eks-inv-accepted = ready to go
eks-inv-declined = unable
eks-inv-timed-out = replaced (not reported)
eks-inv-no-answer = not reported
eks-inv-stood-down = not sent after all
eks-inv-cancelled = cancelled
eks-inv-unreachable = cannot be reached
eks-loc-awaiting = awaiting location
eks-loc-inside = at the assembly point
eks-loc-outside = outside the assembly point
eks-loc-shared = location shared
eks-arrival-verified = arrived (location matches)
eks-arrival-reported = arrived (reported)
