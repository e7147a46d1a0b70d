## The posko dashboard: Mini App for commanders, big screen for the posko (handlers/dashboard).

cmd-dasbor = Posko dashboard: a live picture in Telegram and on the big screen
cmd-dasbor-example = /dasbor layar 12

dsb-button = Dashboard
dsb-menu-button = Dashboard
dsb-open = Posko dashboard: readiness, running roll calls and call-outs, updated live.
dsb-off = The dashboard is not switched on on this server. Ask the Polda's IT officer to set <code>SIAGA_WEB_URL</code>.
dsb-group-usage = In a posko group:
    <code>/dasbor layar</code> — a link for the big screen (counts only, valid 24 hours)
    <code>/dasbor layar 12</code> — valid 12 hours (7 days at most)
    <code>/dasbor cabut</code> — revoke every screen link of this group
    Your own dashboard: open the private chat with the bot and type /dasbor.
dsb-screen-in-group = Big-screen links are made in a posko group: type <code>/dasbor layar</code> there.
dsb-validity-invalid = "{ $value }" is not a validity I know. Example: <code>/dasbor layar 12</code> (hours) or <code>/dasbor layar 3 hari</code>; 7 days at most.
dsb-screen-link = Big-screen link for the posko (counts only, no names):
    { $url }
    Valid until { $until }. Revoke it with <code>/dasbor cabut</code>.
dsb-screen-open = Open the screen
dsb-revoked = { $count ->
    [0] No screen link of this group is still valid.
   *[other] ✅ { $count } screen links revoked. Screens showing them stop updating.
}

dsb-page-title = Siaga dashboard
dsb-screen-title = Siaga posko screen
dsb-loading = Loading the dashboard…
dsb-reopen = The dashboard session has ended. Close it and open it again from the Dashboard button in the chat.
dsb-refused = The dashboard is for registered commanders only.
dsb-offline = Connection lost, trying again…
dsb-screen-ended = This screen link is no longer valid.
dsb-screen-invalid = This screen link is not known.
dsb-screen-ask = Ask a commander in the posko group for a new link with /dasbor layar.

dsb-title = SIAGA DASHBOARD
dsb-scope = Scope: { $scope }
dsb-updated = Updated { $time }
dsb-jam-rawan = JAM RAWAN
dsb-last-broadcast = Last status broadcast { $time }
dsb-readiness-title = Readiness
dsb-empty = Nobody in this scope yet.
dsb-total = Total
dsb-units-title = By unit
dsb-chart-title = Readiness by category
dsb-chart-bar = { $siap } / { $strength } ready
dsb-col-category = Category
dsb-col-unit = Unit
dsb-col-strength = Strength
dsb-col-siap = Ready
dsb-col-stale = Re-confirm
dsb-col-tidak-siap = Not ready
dsb-col-bertugas = Deployed
dsb-col-unknown = No report
dsb-col-unreachable = 🚫
dsb-tile-siap = ✅ ready
dsb-tile-tidak-siap = ❌ not ready
dsb-tile-bertugas = 🚨 deployed
dsb-tile-unreachable = 🚫 cannot be reached
dsb-sending = Sent { $sent } / { $total }

dsb-rollcalls-title = Running roll calls
dsb-rollcalls-none = No roll call is running.
dsb-rollcall-head = { $kind } #{ $id } · { $scope }
dsb-closes = Answer by { $time }
dsb-rc-yes = { $count } present
dsb-rc-no = { $count } absent
dsb-rc-waiting = { $count } no report yet
dsb-rc-called = of { $count } called

dsb-callouts-title = Running call-outs
dsb-callouts-none = No call-out is running.
dsb-callout-head = CALL-OUT #{ $id } · { $categories }
dsb-drill = drill
dsb-since-order = running { $minutes } min since the order
dsb-co-accepted = { $accepted }/{ $quota } ready to go
dsb-co-arrived = { $count } arrived
dsb-co-waiting = { $count } waiting
dsb-co-declined = { $count } unable
dsb-arrivals = { $inside } of { $count } arrived within { $radius }
dsb-arrivals-aria = Arrivals around the site, a ring every { $radius }
dsb-north = N
dsb-open-map = 📍 Open the site in maps

dsb-list-readiness = Readiness list
dsb-list-rollcall = Roll-call list
dsb-list-callout = Call-out list
dsb-list-count = { $count } personnel
dsb-list-empty = Nobody matches this choice.
dsb-filter-all = all
dsb-filter-category = Category
dsb-filter-unit = Unit
dsb-filter-state = State
dsb-sort = Sort by
dsb-sort-state = state
dsb-sort-name = name
dsb-sort-unit = unit
dsb-sort-category = category
dsb-page = { $page } / { $pages }
dsb-page-prev = Previous
dsb-page-next = Next
dsb-no-phone = no phone number
dsb-close = Close

dsb-state-siap = ready
dsb-state-stale = needs re-confirming
dsb-state-tidak-siap = not ready
dsb-state-bertugas = deployed
dsb-state-unknown = no report yet
dsb-state-unreachable = cannot be reached
dsb-state-yes = present
dsb-state-no = absent
dsb-state-belum-menjawab = no report yet
dsb-state-tak-terjangkau = cannot be reached
dsb-state-belum-terdaftar = not registered with the bot
dsb-state-nonaktif = inactive
dsb-state-pending = waiting
dsb-state-timed-out = waiting (reminded)
dsb-state-no-answer = 🔁 replaced
dsb-state-declined = unable
dsb-state-accepted = ready to go
dsb-state-arrived = arrived on site
dsb-state-stood-down = sent back to their unit
dsb-state-cancelled = cancelled
