## Call-outs (pengerahan): /mobilize (/gerakkan) and /pengerahan — English.

-mobilize-example = /mobilize BRIMOB 30 Kantor KPU Kalbar

cmd-mobilize = Move personnel to a site
cmd-mobilize-example = /mobilize BRIMOB 30 SAMAPTA 20 Kantor KPU Kalbar, Pontianak
cmd-pengerahan = Live call-outs and their rekap
cmd-pengerahan-example = /pengerahan 12

## Bad orders: say what was wrong and show a correct example.

mobilize-error-usage = Format: <code>/mobilize CATEGORY COUNT [CATEGORY COUNT …] LOCATION</code>
    Options: <code>latihan</code> (drill), <code>sprin:NUMBER</code>, <code>batas:MINUTES</code>, <code>cepat</code> / <code>tepat</code> / <code>semua</code> (fast / exact / all).
    More, each after a <code>;</code>: <code>tugas:</code> (task, e.g. BKO Polres Sanggau), <code>kumpul:</code> (assembly point), <code>lapor:</code> (report to: name and phone, or radio channel).
    Example: <code>{ -mobilize-example }</code>
mobilize-error-unknown-category = Unknown category "{ $value }". Categories: { $known }. Example: <code>{ -mobilize-example }</code>
mobilize-error-quota-missing = How many { $category } personnel? Example: <code>{ -mobilize-example }</code>
mobilize-error-quota-invalid = The count "{ $value }" for { $category } must be a positive whole number, e.g. 30. Example: <code>{ -mobilize-example }</code>
mobilize-error-quota-zero = The count for { $category } must be more than 0. Example: <code>{ -mobilize-example }</code>
mobilize-error-quota-absurd = The count "{ $value }" for { $category } is more than can be handled. Please check the number. Example: <code>{ -mobilize-example }</code>
mobilize-error-duplicate-category = { $category } is named twice; name each category once with its count. Example: <code>/mobilize BRIMOB 30 SAMAPTA 20 Kantor KPU Kalbar</code>
mobilize-error-location-missing = No destination given. Write the location after the count. Example: <code>{ -mobilize-example }</code>
mobilize-error-location-too-long = The location is too long ({ $length } characters, at most { $max }). Write just the place name; a map pin can be sent separately. Example: <code>{ -mobilize-example }</code>
mobilize-error-ref-empty = The order number is empty. Write it without spaces, e.g. <code>sprin:Sprin/45/II/2024</code>
mobilize-error-ref-too-long = The order number is too long (at most { $max } characters), e.g. <code>sprin:Sprin/45/II/2024</code>
mobilize-error-timeout-invalid = The time limit "{ $value }" is not valid: give { $min }–{ $max } minutes, e.g. <code>batas:10</code>
mobilize-error-field-unknown = Unknown detail "{ $value }". After a <code>;</code> write one of <code>tugas:</code>, <code>kumpul:</code>, <code>lapor:</code>. Example: <code>/mobilize BRIMOB 30 Kantor KPU Kalbar; tugas: BKO Polres Sanggau; lapor: Iptu Dedi 0812-3456-7890</code>
mobilize-error-field-empty = The detail <code>{ $field }:</code> is empty. Write it after the colon, e.g. <code>; kumpul: Mako Brimob</code>
mobilize-error-field-too-long = The detail <code>{ $field }:</code> is too long ({ $length } characters, at most { $max }).
mobilize-error-field-time-invalid = The time "{ $value }" is not valid. Write hours and minutes, e.g. <code>07.30</code>
mobilize-error-out-of-scope = You may not move { $category }. Your scope: { $scope }.
mobilize-error-no-categories = There are no categories yet. Ask an admin to import them.
mobilize-scope-none = none yet
mobilize-group-guided = In a group, type the whole order. Example: <code>{ -mobilize-example }</code>

## The confirm card

mobilize-confirm-title = <b>Confirm the call-out</b>
mobilize-confirm-title-drill = <b>Confirm the call-out — 🟡 DRILL</b>
mobilize-confirm-location = Location: { $location }
mobilize-confirm-site = 📍 Map pin: { $lat }, { $lon } (radius { $radius })
mobilize-confirm-no-site = Map pin: none. Send a location (attach → Location) now to have arrivals verified.
mobilize-confirm-ref = Order: { $ref }
mobilize-confirm-timeout = Answer within: { $minutes } minutes
mobilize-confirm-line = <b>{ $category }</b> — quota { $quota }
    ✅ ready { $ready } · ❌ not ready { $not_ready }
    ⏳ to reconfirm { $stale }
    deployed { $deployed } · not reported { $unknown }
    🚫 cannot be reached { $unreachable }
    not registered with the bot { $unlinked }
mobilize-confirm-units = (only personnel of your units: { $units })
mobilize-confirm-over-available = The { $category } quota ({ $quota }) exceeds who can be called ({ $available }); the { $short } missing can be widened to { $reserve }.
mobilize-confirm-over-available-no-reserve = The { $category } quota ({ $quota }) exceeds who can be called ({ $available }); { $short } will be missing.
mobilize-confirm-over-strength = { $requested } exceeds the strength of { $category } ({ $strength }); the quota is capped to who is ready: { $quota }.
mobilize-confirm-nobody = Nobody of { $category } can be called right now.
mobilize-confirm-strategy-title = <b>How to call</b> (tap a button to change):
mobilize-confirm-strategy-cepat = { $chosen ->
        [yes] ▶ <b>Fast</b>
       *[no] Fast
    } — calls ±{ $called } for { $quota }; the surplus is stood down automatically
mobilize-confirm-strategy-tepat = { $chosen ->
        [yes] ▶ <b>Exact</b>
       *[no] Exact
    } — calls { $called } for { $quota }; replaced after a decline or { $minutes } minutes of silence
mobilize-confirm-strategy-semua = { $chosen ->
        [yes] ▶ <b>All</b>
       *[no] All
    } — calls all { $called } ready at once; stops at the quota of { $quota }
mobilize-strategy-cepat = Fast
mobilize-strategy-tepat = Exact
mobilize-strategy-semua = All
mobilize-strategy-chosen = ▶ { $label }
mobilize-confirm-question = Send the call-out now?
mobilize-send = ✅ Send
mobilize-discard = Cancel
mobilize-sent = ✅ Call-out #{ $id } sent. Its rekap, kept up to date, follows below.
mobilize-sent-short = Sent.
mobilize-discarded = The call-out was dropped before it was sent.
mobilize-discarded-short = Dropped.
mobilize-already-sent = This call-out has already been sent (#{ $id }).
mobilize-draft-gone = This confirmation is no longer valid. Start again with /mobilize.
mobilize-draft-expired = This confirmation has expired (the numbers may have changed). Send the order again.
mobilize-draft-not-yours = This confirmation belongs to another commander.
mobilize-nothing-to-send = Nobody can be called. Check readiness, or pick another category.
mobilize-site-saved = 📍 Site pin saved. Arrivals are verified within { $radius }.

## The guided order (buttons)

mobilize-guided-category = <b>Call-out</b> — pick a category:
mobilize-guided-category-more = <b>Call-out</b> ({ $summary }) — pick another category:
mobilize-guided-category-button = { $category } · { $ready } ready
mobilize-guided-count = How many <b>{ $category }</b>? ({ $ready } can be called)
mobilize-guided-none-ready = Nobody of <b>{ $category }</b> can be called right now. Pick another category:
mobilize-guided-location = Call-out: <b>{ $summary }</b>
    Type the destination (at most 200 characters), or add a category.
mobilize-guided-more = Add a category
mobilize-input-stale = The call-out being put together is no longer open. Start again with /mobilize.
mobilize-field-task = + Task/BKO
mobilize-field-assembly = + Assembly point
mobilize-field-report-to = + Report to
mobilize-field-ask-task = Type the task or BKO (at most { $max } characters), e.g. <code>BKO Polres Sanggau</code>
mobilize-field-ask-assembly = Type where to assemble before leaving (at most { $max } characters), e.g. <code>Mako Brimob</code>
mobilize-field-ask-report-to = Type whom to report to: name and phone or radio channel (at most { $max } characters), e.g. <code>Iptu Dedi 0812-3456-7890</code>

## The invitation (private chat)

mobilize-invite-drill = 🟡 <b>DRILL — NOT A REAL CALL-OUT</b>
mobilize-invite-title = 🚨 <b>CALL-OUT #{ $id } — { $category }</b>
mobilize-invite-needed = { $quota } personnel needed
mobilize-invite-location = Location: { $location }
mobilize-invite-map = 📍 <a href="{ $url }">See the site on a map</a>
mobilize-invite-task = Task: { $task }
mobilize-invite-assembly = Assemble at: { $assembly }
mobilize-invite-report-to = Report to: { $report_to }
mobilize-invite-orderer = Ordered by: { $name }
mobilize-invite-orderer-post = Ordered by: { $name } ({ $position })
mobilize-invite-ref = Order: { $ref }
mobilize-invite-deadline = Answer by <b>{ $time }</b>
mobilize-accept = ✅ Ready to go
mobilize-decline = ❌ Unable
mobilize-reminder-title = ⏰ <b>REMINDER — CALL-OUT #{ $id } — { $category }</b>
mobilize-reminder-ask = Please answer before { $time }; otherwise you are replaced and your commander is told.
mobilize-invite-stood-down = <b>CALL-OUT #{ $id } — { $category }</b>
    ✅ The quota is met; you are not sent after all. Thank you. Your status stays READY.
mobilize-invite-cancelled = <b>CALL-OUT #{ $id } — { $category } CANCELLED.</b> You do not need to go. Your status stays READY.
mobilize-invite-closed = <b>CALL-OUT #{ $id } — { $category }</b> has ended. Thank you; stay ready.

## Answers

mobilize-accepted = ✅ <b>Ready to go — CALL-OUT #{ $id }</b>
    Destination: { $location }
    When you arrive, tap <b>📍 Arrived</b>.
mobilize-accepted-short = Recorded: ready to go.
mobilize-arrival-prompt = Tap <b>📍 Arrived</b> when you reach { $location } (CALL-OUT #{ $id }).
mobilize-arrival-button = 📍 Arrived
mobilize-late = Thank you for being ready. The quota of CALL-OUT #{ $id } is already met; you do not need to go. Stay ready.
mobilize-late-short = The quota is already met. Thank you.
mobilize-declined-ask = ❌ Recorded: you are unable to join CALL-OUT #{ $id }. What is the reason?
mobilize-declined-short = Recorded: unable.
mobilize-reason-recorded = ❌ Unable to join CALL-OUT #{ $id } — { $reason }. Thank you.
    Your status is now NOT READY; send /siap when you are ready again.
mobilize-reason-ask-text = Type a short reason (at most 200 characters):
mobilize-reason-too-long = The reason is too long ({ $length } characters, at most 200). Please shorten it.
mobilize-already-accepted = You already said you are ready to go. If you are then unable, contact your commander.
mobilize-already-declined = Your answer is already recorded.
mobilize-closed-short = This call-out has ended.
mobilize-busy = You are deployed on another call-out.
mobilize-not-yours = This button is not for you.

## No answer: the person's own commander may answer for them

mobilize-noanswer-report = ⏳ <b>Not reported</b> — CALL-OUT #{ $id } ({ $category })
    { $name } · { $unit }
    did not answer the call-out to { $location } after two answer deadlines, and has been replaced.
    You may answer on their behalf:
mobilize-proxy-accept = ✅ Ready to go (on behalf)
mobilize-proxy-decline = ❌ Unable (on behalf)
mobilize-proxy-done-accept = ✅ Answered for { $name }: ready to go (CALL-OUT #{ $id }).
mobilize-proxy-done-decline = ❌ Answered for { $name }: unable (CALL-OUT #{ $id }).
mobilize-proxy-done-late = The quota of CALL-OUT #{ $id } is already met; the answer for { $name } does not count.
mobilize-proxy-not-yours = This person is not under your command.
mobilize-proxy-told-accept = Your commander ({ $commander }) said you are <b>ready to go</b> — CALL-OUT #{ $id } to { $location }.
    When you arrive, tap <b>📍 Arrived</b>.
mobilize-proxy-told-decline = Your commander ({ $commander }) recorded that you are unable to join CALL-OUT #{ $id }.
mobilize-deactivated = 🚫 CALL-OUT #{ $id }: { $name } is no longer active on the roster and has been replaced.

## The commander's live card

mobilize-card-title = 🚨 <b>CALL-OUT #{ $id }</b> · { $categories }
    → { $location }
mobilize-card-drill = 🟡 <b>DRILL</b> — not counted in statistics
mobilize-card-orderer = Ordered by: { $name }
mobilize-card-orderer-ref = Ordered by: { $name }
    { $ref }
mobilize-card-line = <b>{ $category }</b> · quota { $quota }
    ✅ { $accepted } ready to go · 📍 { $arrived } arrived
    ⏳ { $waiting } waiting · ❌ { $declined } unable
    🔁 { $replaced } replaced · { $no_answer } not reported
    🚫 { $unreachable } cannot be reached
mobilize-card-strategy = { $strategy } · called { $called }
mobilize-card-reserve = → reserve for { $category }
mobilize-card-widened = → { $amount } moved to { $reserve }
mobilize-card-filled = ✅ quota met
mobilize-card-short = { $short } missing
mobilize-card-short-accepted = { $short } missing, approved
mobilize-card-progress = { $progress }
    running { $minutes } min
mobilize-card-completed = ✅ <b>COMPLETED</b> { $time } · lasted { $minutes } min
mobilize-card-cancelled = <b>CANCELLED</b> { $time }
mobilize-remind = ⏰ Remind
mobilize-complete = ✅ Complete
mobilize-cancel = Cancel

## Short categories

mobilize-short = CALL-OUT #{ $id }: <b>{ $category }</b> is { $short } short (quota { $quota }, ready to go { $accepted }). Nobody else ready can be called.
mobilize-short-no-reserve = This category has no reserve.
mobilize-short-widen = Widen to { $reserve }
mobilize-short-accept = Approve the shortfall
mobilize-short-resolved = ✅ CALL-OUT #{ $id }: { $category } is no longer short.
mobilize-short-widened = CALL-OUT #{ $id }: { $amount } of the { $category } quota moved to { $reserve }.
mobilize-short-accepted = CALL-OUT #{ $id }: { $category } shortfall of { $short } approved.
mobilize-short-nothing = Nothing is missing any more.
mobilize-short-out-of-scope = You may not move { $reserve }.

## Card buttons

mobilize-confirm-complete = Complete CALL-OUT #{ $id }? Deployed personnel return to their unit and are READY.
mobilize-confirm-cancel = Cancel CALL-OUT #{ $id }? Everyone called is told; those already going return to their unit and are READY.
mobilize-yes-complete = Yes, complete
mobilize-yes-cancel = Yes, cancel
mobilize-no = No
mobilize-completed = ✅ CALL-OUT #{ $id } completed.
mobilize-cancelled = CALL-OUT #{ $id } cancelled.
mobilize-kept = Understood; the call-out continues.
mobilize-already-closed = CALL-OUT #{ $id } has already ended.
mobilize-manage-not-yours = Only the commander who ordered it, a commander of its categories, or an admin can change this call-out.
mobilize-reminded = Reminder sent to { $count } personnel.
mobilize-remind-none = Nobody is waiting to answer.
mobilize-remind-wait = A reminder was just sent; please wait a moment before reminding again.
mobilize-released = ✅ <b>CALL-OUT #{ $id } completed.</b> Thank you for your service. You return to your unit; your status is READY again.
mobilize-cancelled-person = <b>CALL-OUT #{ $id } CANCELLED.</b> You do not need to go; if on the way or on site, return to your unit. Your status is READY again.

## Arrival

mobilize-arrived-verified = 📍 Arrival recorded — CALL-OUT #{ $id } (verified, { $distance } from the site pin).
mobilize-arrived-reported = 📍 Arrival recorded — CALL-OUT #{ $id }.
mobilize-arrival-outside = You are { $distance } from the site pin (limit { $radius }). Send it again once you are there.
mobilize-arrival-forwarded = Send your current location with the <b>📍 Arrived</b> button, not a forwarded one.

## /pengerahan

mobilize-list-title = <b>Live call-outs</b>
mobilize-list-item = #{ $id } { $summary } · { $minutes } min
    → { $location }
mobilize-list-drill = 🟡 DRILL
mobilize-list-empty = No live call-outs within your scope.
mobilize-list-hint = Type <code>/pengerahan NUMBER</code> to see its rekap, e.g. <code>/pengerahan 12</code>
mobilize-show-unknown = Call-out "{ $value }" not found. Type /pengerahan for the list.
mobilize-show-not-yours = Call-out #{ $id } is outside your scope.
mobilize-names-accepted = <b>Ready to go</b>
mobilize-names-declined = <b>Unable</b>
mobilize-names-no-answer = <b>Not reported</b>
mobilize-names-unreachable = <b>Cannot be reached</b>
mobilize-names-person = • { $name } · { $unit } { $mark }
mobilize-names-arrived = 📍
mobilize-names-proxy = (answered by commander)

mobilize-batch-title = CALL-OUT #{ $id } · { $categories }
mobilize-declined-not-ready = ❌ You reported NOT READY, so you are recorded as unable for CALL-OUT #{ $id }. Someone else has been called.
