## Local simulator (python -m bot simulate): timeline lines and summary.

sim-header = Siaga simulation: { $personnel } personnel in { $categories } categories · Bot API latency { $latency } ms · simulated clock up to { $speed }× · seed { $seed }
sim-clock-note = First column: simulated time since the phase began; [in brackets]: real time since the simulation started. The simulated clock runs up to { $speed }× faster than real time while the bot is idle, and at real time while messages are queued for Telegram or updates wait to be handled.
sim-setup = Roster and database ready in { $seconds } s: everyone linked to the bot and SIAP; { $blocked } once blocked the bot. Voting-day evening, starting { $start }.

## Roll call

sim-apel-phase = — ROLL CALL OF EVERYONE ({ $minutes } minutes) —
sim-order = commander: { $command }
sim-apel-opened = roll call #{ $id } opened: { $called } called, closes { $time }
sim-apel-all-sent = every prompt delivered: { $count } in { $seconds } real s ({ $rate } messages/s)
sim-first-answer = first answer in
sim-apel-share = present { $share }%: { $yes }
sim-apel-progress = delivered { $sent }/{ $called } · present { $yes } · absent { $no } · not answered { $pending }
sim-apel-reminders = reminders received { $count } times by those who had not answered
sim-apel-closed = roll call #{ $id } closed: { $yes } present, { $no } absent, { $pending } did not answer (🚫 { $unreachable } unreachable)
sim-reasons = reasons for absence: { $reasons }
sim-reason-count = { $reason } { $count }
sim-reason-sakit = sick
sim-reason-izin = excused
sim-reason-cuti = on leave
sim-reason-dik = training
sim-reason-dinas-luar = on duty elsewhere
sim-reason-bko = BKO
sim-reason-lainnya = other

## Call-out

sim-callout-quota-cut = (small roster: { $category } has only { $strength } people, quota { $requested } lowered to { $quota } so that replacements exist)
sim-callout-phase = — CALL-OUT { $category } { $quota } —
sim-callout-sent = call-out #{ $id } sent: { $category } quota { $quota }
sim-callout-invited = call-outs delivered { $count }
sim-callout-first-accept = first "ready to go" answer
sim-callout-lapsed = { $count } did not answer within { $minutes } minutes → reminded and replaced
sim-callout-filled = quota filled { $accepted }/{ $quota }
sim-callout-stood-down = { $count } not sent after all: the quota was met before they answered
sim-callout-first-arrival = first arrival on site (📍 verified)
sim-callout-progress = ready to go { $accepted }/{ $quota } · unable { $declined } · waiting { $waiting } · called { $invited } · arrived { $arrived }
sim-callout-all-arrived = everyone who went has arrived ({ $arrived }); the commander presses Done
sim-callout-time-up = { $minutes } minutes have passed; the commander presses Done
sim-callout-completed = call-out #{ $id } completed; those deployed are SIAP again

## Summary

sim-summary-title = SUMMARY
sim-summary-apel = Roll call #{ $id }: { $called } called; { $delivered } prompts delivered in { $seconds } s real time (the fastest Telegram's limit of { $limit } messages/s allows: { $floor } s).
sim-summary-apel-answers = Roll-call answers: present { $yes } · absent { $no } · did not answer { $pending } (🚫 { $unreachable } unreachable) · reminders { $reminders }.
sim-summary-callout-filled = Call-out: quota filled { $elapsed } (simulated time) after the invitations went out.
sim-summary-callout-short = Call-out: quota NOT filled — { $accepted }/{ $quota } ready to go.
sim-summary-callout-first-wave = The first { $count } invitations were delivered { $seconds } real s after Send was pressed.
sim-summary-callout = Call-out #{ $id } ({ $category }, quota { $quota }): invited { $invited } · ready to go { $accepted } · declined { $declined } · did not answer { $no_answer } · stood down { $stood_down } · arrived { $arrived }.
sim-summary-telegram = Telegram: { $messages } messages, { $edits } edits, { $answers } button answers · 429: { $floods }.
sim-summary-spec = Every call was checked against the { $version } spec: { $violations } violations.
sim-summary-spec-unchecked = Calls were not checked against the Bot API spec.
sim-summary-time = Real time { $real } for { $simulated } of simulated time.
