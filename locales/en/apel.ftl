## Roll call (apel) and the readiness check that shares its engine — English.
## $kind is "apel" or "cek" (readiness check).

cmd-apel = Open a roll call
cmd-apel-example = /apel BRIMOB 30

## Opening

apel-scope-all = ALL
apel-scope-all-button = Everyone
apel-unknown-scope = Unknown category or unit "{ $value }". Categories: { $categories }. Write units in full, e.g. <code>/{ $command } Polres Sanggau 30</code>. Other examples: <code>/{ $command } BRIMOB 30</code> or <code>/{ $command } semua 30</code>
apel-minutes-invalid = Duration "{ $value }" is not a number of minutes. Put the minutes after the category, e.g. <code>/{ $command } BRIMOB 30</code>
apel-minutes-not-positive = Duration "{ $value }" is not valid: it must be more than 0 minutes. Example: <code>/{ $command } BRIMOB 30</code>
apel-minutes-too-long = Duration "{ $value }" is too long: at most { $max } minutes (24 hours). Example: <code>/{ $command } BRIMOB 30</code>
apel-field-unknown = Unknown detail "{ $value }". After a <code>;</code> write <code>tempat:</code> (place) or <code>pukul:</code> (time). Example: <code>/apel semua 30 Apel siaga; tempat: Lapangan Mapolda; pukul: 07.30</code>
apel-field-empty = The detail <code>{ $field }:</code> is empty. Write it after the colon, e.g. <code>; tempat: Lapangan Mapolda</code>
apel-field-too-long = The detail <code>{ $field }:</code> is too long ({ $length } characters, at most { $max }).
apel-field-time-invalid = The time "{ $value }" is not valid. Write hours and minutes, e.g. <code>; pukul: 07.30</code>
apel-usage = Format: <code>/apel [CATEGORY|UNIT|semua] [MINUTES] [TITLE]</code>
    More, each after a <code>;</code>: <code>tempat:</code> (the assembly place), <code>pukul:</code> (the parade's time, not the answer deadline).
    Example: <code>/apel semua 30 Apel siaga; tempat: Lapangan Mapolda; pukul: 07.30</code>
apel-scope-forbidden = ❌ { $value } is outside your command; nobody was called. You command: { $scope }.
apel-scope-empty = There are no active personnel in { $value }.
apel-no-scope = You do not command any unit or category yet. Ask an admin.
apel-nobody-linked = No one in { $value } has registered with the bot yet, so nobody can be called ({ $unlinked } not registered). Ask them to register with /start.
apel-opened = ✅ <b>{ $name }</b> opened: { $count } personnel called, { $kind ->
        [cek] answer deadline
       *[other] closes
    } { $time }.{ $narrowed }
    The rekap follows and keeps itself up to date.
apel-opened-narrowed = { " " }Only personnel under your command were called.
apel-opened-short = Opened.

## Guided opening (buttons)

apel-draft-pick-scope = <b>New { $kind ->
        [cek] readiness check
       *[other] roll call
    }</b> — who is called?
apel-draft-pick-minutes = <b>New { $kind ->
        [cek] readiness check
       *[other] roll call
    }</b> · { $scope }
    Pick the deadline:
apel-draft-summary = <b>New { $kind ->
        [cek] readiness check
       *[other] roll call
    }</b>
    Called: { $scope } ({ $count } registered personnel)
    Deadline: { $minutes } minutes (until { $time })
    Title: { $title }
    Assembly point: { $point }
apel-draft-none = —
apel-draft-point = radius { $radius }
apel-button-open = ✅ { $kind ->
        [cek] Start readiness check
       *[other] Open roll call
    }
apel-button-point = 📍 Assembly point
apel-button-title = Title
apel-button-cancel = Cancel
apel-button-minutes = { $minutes } min{ $default ->
        [yes] { " " }(default)
       *[other] { "" }
    }
apel-draft-cancelled = Cancelled; nobody was called.
apel-draft-gone = This draft is no longer valid. Type /apel to start again.
apel-draft-not-yours = This draft belongs to another commander.
apel-draft-ask-point = 📍 Send the assembly point: tap the button below for where you are now, or pick another place via attach → Location.
apel-draft-point-button = 📍 My location as the assembly point
apel-draft-point-private = The assembly point can only be set in a private chat with the bot.
apel-draft-point-saved = 📍 Assembly point saved.
apel-draft-pick-radius = Pick the assembly point radius:
apel-draft-ask-title = Type a title (at most { $max } characters), e.g. <code>Morning readiness parade</code>
apel-draft-title-empty = The title cannot be empty. Type a title, e.g. <code>Morning readiness parade</code>
apel-draft-when-where = Place: { $place }
    Time: { $time }
apel-button-place = Place
apel-button-time = Time
apel-draft-ask-place = Type the place of the roll call (at most { $max } characters), e.g. <code>Lapangan Mapolda</code>
apel-draft-ask-time = Type the time of the roll call itself (not the answer deadline), e.g. <code>07.30</code>

## What each person receives

rollcall-name = { $kind ->
        [cek] READINESS CHECK
       *[other] ROLL CALL
    } #{ $id } · { $scope }
rollcall-prompt = <b>{ $name }</b>{ $title }
    { $kind ->
        [cek] Asked by { $opener }
       *[other] Opened by { $opener }
    }
    Answer by { $time }
rollcall-when-where = { $kind ->
        [cek] Assemble
       *[other] Parade
    } { $time }
    📍 { $place }
rollcall-when = { $kind ->
        [cek] Assemble
       *[other] Parade
    } { $time }
rollcall-where = 📍 { $place }
rollcall-prompt-point = 📍 Assembly point, radius { $radius }: after answering Present, share your location.
rollcall-question = { $kind ->
        [cek] Are you READY?
       *[other] Are you present?
    }
rollcall-yes = { $kind ->
        [cek] ✅ Ready
       *[other] ✅ Present
    }
rollcall-no = { $kind ->
        [cek] ❌ Not ready
       *[other] ❌ Absent
    }
rollcall-back = Back
rollcall-pick-reason = { $kind ->
        [cek] Why are you not ready?
       *[other] Why are you absent?
    }
rollcall-pick-reason-short = Pick the reason.
rollcall-status-yes = ✅ Recorded: <b>{ $kind ->
        [cek] READY
       *[other] PRESENT
    }</b> · { $time }
rollcall-status-yes-awaiting = ✅ Recorded: <b>PRESENT</b> · { $time }
    📍 Tap <b>Share my location</b> at the bottom of the screen to verify you are at the assembly point.
rollcall-status-no = ❌ Recorded: <b>{ $kind ->
        [cek] NOT READY
       *[other] ABSENT
    }</b> ({ $reason }) · { $time }
rollcall-status-write-reason = Type a short reason as a reply in this chat.
rollcall-status-change = You can change your answer until { $time }.
rollcall-answered-yes = { $kind ->
        [cek] ✅ READY recorded.
       *[other] ✅ PRESENT recorded.
    }
rollcall-answered-no = { $kind ->
        [cek] ❌ NOT READY recorded: { $reason }.
       *[other] ❌ ABSENT recorded: { $reason }.
    }
rollcall-write-reason = Recorded. Type the reason in this chat.
rollcall-answer-same = This answer is already recorded.
rollcall-closed = { $kind ->
        [cek] This readiness check is closed; answers can no longer change. Use /kesiapan to change your status.
       *[other] The roll call is closed; answers can no longer change.
    }
rollcall-closed-text = { $kind ->
        [cek] This readiness check is closed; the reason was not recorded. Use /kesiapan to change your status.
       *[other] The roll call is closed; the reason was not recorded.
    }
rollcall-not-yours = This button is not for you.
rollcall-reason-saved = ✅ Reason recorded for <b>{ $name }</b>: { $reason }
rollcall-reason-not-lainnya = Your answer is no longer "other"; this text was not recorded.
rollcall-reminder = ⏰ <b>Reminder · { $name }</b>
    You have not reported yet. Answer before { $time } ({ $minutes } minutes left); otherwise you are recorded as not reported.

## Location at an assembly point

rollcall-location-request = 📍 <b>{ $name }</b>: tap <b>📍 Share my location</b> below to verify you are at the assembly point (radius { $radius }).
rollcall-location-button = 📍 Share my location
rollcall-location-inside = 📍 Location verified: { $distance } from the assembly point. ✅ Recorded PRESENT at <b>{ $name }</b>.
rollcall-location-outside = 📍 You are { $distance } from the assembly point of <b>{ $name }</b> (radius { $radius }). Recorded present <b>outside the radius</b>; the commander sees the distance. Send again once you arrive.
rollcall-location-shared = 📍 Location recorded for <b>{ $name }</b>.
rollcall-location-forwarded = ❌ A forwarded location is not accepted. Tap <b>📍 Share my location</b> to send where you are now.

## The commander's live card

rollcall-card-title = <b>{ $name }</b>{ $title }
rollcall-card-open = { $kind ->
        [cek] Asked by { $opener }
       *[other] Opened by { $opener }
    }
    Answer by { $time }
rollcall-card-closed = Closed { $time }
    Report sent to the commander's private chat.
rollcall-card-point = 📍 Assembly point, radius { $radius }
rollcall-card-totals = Called { $called } · ✅ { $yes } · ❌ { $no } · ⏳ { $pending }
rollcall-card-category = <b>{ $category }</b> · called { $called }
rollcall-card-yes = ✅ { $kind ->
        [cek] ready
       *[other] present
    } { $count }
rollcall-card-yes-location = ✅ present { $count }
    📍 { $inside } at the point · { $outside } outside
    📍 { $awaiting } location not sent yet
rollcall-card-no = ❌ { $kind ->
        [cek] not ready
       *[other] absent
    } { $count }{ $reasons }
rollcall-card-pending = ⏳ not reported { $count }
rollcall-card-pending-unreachable = ⏳ not reported { $count }
    🚫 { $unreachable } cannot be reached
rollcall-card-sent = Sent { $sent }/{ $total }
rollcall-card-excluded = Not called:
    { $parts }
rollcall-card-excluded-unlinked = { $count } not registered with the bot
rollcall-card-excluded-bertugas = { $count } deployed
rollcall-card-excluded-nonaktif = { $count } deactivated
rollcall-card-hint = This rekap keeps itself up to date.
rollcall-button-remind = Remind those who have not answered
rollcall-button-extend = Extend { $minutes } min
rollcall-button-close = Close now
rollcall-not-owner = Only the commander who opened this, or an admin, can do that.
rollcall-already-closed = Already closed.
rollcall-reminded = Reminder sent to { $count } people who have not answered.
rollcall-reminded-none = Nobody to remind: everyone called has answered or has not received the message yet.
rollcall-remind-too-soon = A reminder was just sent. Try again in a minute.
rollcall-extended = Extended until { $time }.
rollcall-extend-too-long = Cannot extend: at most 24 hours after opening.
rollcall-closed-now = Closed. The report is in your private chat.

## The closing report (commander's private chat only: it has phone numbers)

rollcall-report-title = <b>REPORT { $name }</b>{ $title }
rollcall-report-times = Opened { $opened } by { $opener }
    Closed { $closed }
rollcall-report-line = { $kind ->
        [cek] Total { $jumlah } · Short { $kurang } · Ready { $hadir }
       *[other] Total { $jumlah } · Short { $kurang } · Present { $hadir }
    }
rollcall-report-whole = <b>Whole roll call</b>
rollcall-report-keterangan = Details:
rollcall-report-ket = { $label } ({ $count }): { $names }
rollcall-report-call = { $ket ->
        [tidak_dapat_dihubungi] 🚫
       *[other] ⏳
    } <b>{ $label }</b> ({ $count }), call them by phone or radio:
rollcall-report-name-text = { $name } ({ $text })
rollcall-ket-sakit = Sick
rollcall-ket-izin = Excused
rollcall-ket-cuti = Leave
rollcall-ket-dik = Training (dik)
rollcall-ket-dinas-luar = Duty elsewhere (DL)
rollcall-ket-bko = BKO
rollcall-ket-lainnya = Other
rollcall-ket-bertugas = Deployed (call-out)
rollcall-ket-nonaktif = Inactive
rollcall-ket-belum-terdaftar = Not registered with the bot
rollcall-ket-tidak-dapat-dihubungi = Cannot be reached
rollcall-ket-belum-lapor = Not reported
rollcall-report-all-answered = ✅ Everyone called and reachable has answered.
rollcall-report-category = <b>{ $category }</b>
rollcall-report-person = { $n }. { $name }
    { $unit } · { $phone }
rollcall-report-person-distance = { $n }. { $name }
    { $unit } · { $distance }
rollcall-report-outside = 📍 <b>Present outside the radius</b> ({ $count }):
rollcall-report-no-location = 📍 <b>Present without a shared location</b> ({ $count }):
rollcall-report-file = The full list ({ $count } people) is in the attached file.
