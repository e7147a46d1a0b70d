## Call-outs (pengerahan): /mobilize (/gerakkan) and /pengerahan — English.

-callout-example = /mobilize BRIMOB 30 Kantor KPU Kalbar

cmd-mobilize = Move personnel to a site
cmd-mobilize-example = /mobilize BRIMOB 30 SAMAPTA 20 Kantor KPU Kalbar, Pontianak
cmd-pengerahan = Live call-outs and their rekap
cmd-pengerahan-example = /pengerahan 12

## Bad orders: say what was wrong and show a correct example.

callout-error-usage = Format: <code>/mobilize CATEGORY COUNT [CATEGORY COUNT …] LOCATION</code>
    Options: <code>latihan</code> (drill), <code>sprin:NUMBER</code>, <code>batas:MINUTES</code>, <code>cepat</code> / <code>tepat</code> / <code>semua</code> (fast / exact / all).
    More, each after a <code>;</code>: <code>tugas:</code> (task, e.g. BKO Polres Sanggau), <code>kumpul:</code> (assembly point), <code>lapor:</code> (report to: name and phone, or radio channel).
    Example: <code>{ -callout-example }</code>
callout-error-unknown-category = Unknown category "{ $value }". Categories: { $known }. Example: <code>{ -callout-example }</code>
callout-error-quota-missing = How many { $category } personnel? Example: <code>{ -callout-example }</code>
callout-error-quota-invalid = The count "{ $value }" for { $category } must be a positive whole number, e.g. 30. Example: <code>{ -callout-example }</code>
callout-error-quota-zero = The count for { $category } must be more than 0. Example: <code>{ -callout-example }</code>
callout-error-quota-absurd = The count "{ $value }" for { $category } is more than can be handled. Please check the number. Example: <code>{ -callout-example }</code>
callout-error-duplicate-category = { $category } is named twice; name each category once with its count. Example: <code>/mobilize BRIMOB 30 SAMAPTA 20 Kantor KPU Kalbar</code>
callout-error-location-missing = No destination given. Write the location after the count. Example: <code>{ -callout-example }</code>
callout-error-location-too-long = The location is too long ({ $length } characters, at most { $max }). Write just the place name; a map pin can be sent separately. Example: <code>{ -callout-example }</code>
callout-error-ref-empty = The order number is empty. Write it without spaces, e.g. <code>sprin:Sprin/45/II/2024</code>
callout-error-ref-too-long = The order number is too long (at most { $max } characters), e.g. <code>sprin:Sprin/45/II/2024</code>
callout-error-timeout-invalid = The time limit "{ $value }" is not valid: give { $min }–{ $max } minutes, e.g. <code>batas:10</code>
callout-error-field-unknown = Unknown detail "{ $value }". After a <code>;</code> write one of <code>tugas:</code>, <code>kumpul:</code>, <code>lapor:</code>. Example: <code>/mobilize BRIMOB 30 Kantor KPU Kalbar; tugas: BKO Polres Sanggau; lapor: Iptu Dedi 0812-3456-7890</code>
callout-error-field-empty = The detail <code>{ $field }:</code> is empty. Write it after the colon, e.g. <code>; kumpul: Mako Brimob</code>
callout-error-field-too-long = The detail <code>{ $field }:</code> is too long ({ $length } characters, at most { $max }).
callout-error-field-time-invalid = The time "{ $value }" is not valid. Write hours and minutes, e.g. <code>07.30</code>
callout-error-out-of-scope = You may not move { $category }. Your scope: { $scope }.
callout-error-no-categories = There are no categories yet. Ask an admin to import them.
callout-scope-none = none yet
callout-group-guided = In a group, type the whole order. Example: <code>{ -callout-example }</code>

## The confirm card

callout-confirm-title = <b>Confirm the call-out</b>
callout-confirm-title-drill = <b>Confirm the call-out — 🟡 DRILL</b>
callout-confirm-location = Location: { $location }
callout-confirm-site = 📍 Map pin: { $lat }, { $lon } (radius { $radius })
callout-confirm-no-site = Map pin: none. Send a location (attach → Location) now to have arrivals verified.
callout-confirm-ref = Order: { $ref }
callout-confirm-timeout = Answer within: { $minutes } minutes
callout-confirm-line = <b>{ $category }</b> — quota { $quota }
    ✅ ready { $ready } · ❌ not ready { $not_ready }
    ⏳ to reconfirm { $stale }
    deployed { $deployed } · not reported { $unknown }
    🚫 cannot be reached { $unreachable }
    not registered with the bot { $unlinked }
callout-confirm-units = (only personnel of your units: { $units })
callout-confirm-over-available = The { $category } quota ({ $quota }) exceeds who can be called ({ $available }); the { $short } missing can be widened to { $reserve }.
callout-confirm-over-available-no-reserve = The { $category } quota ({ $quota }) exceeds who can be called ({ $available }); { $short } will be missing.
callout-confirm-over-strength = { $requested } exceeds the strength of { $category } ({ $strength }); the quota is capped to who is ready: { $quota }.
callout-confirm-nobody = Nobody of { $category } can be called right now.
callout-confirm-strategy-title = <b>How to call</b> (tap a button to change):
callout-confirm-strategy-cepat = { $chosen ->
        [yes] ▶ <b>Fast</b>
       *[no] Fast
    } — calls ±{ $called } for { $quota }; the surplus is stood down automatically
callout-confirm-strategy-tepat = { $chosen ->
        [yes] ▶ <b>Exact</b>
       *[no] Exact
    } — calls { $called } for { $quota }; replaced after a decline or { $minutes } minutes of silence
callout-confirm-strategy-semua = { $chosen ->
        [yes] ▶ <b>All</b>
       *[no] All
    } — calls all { $called } ready at once; stops at the quota of { $quota }
callout-strategy-cepat = Fast
callout-strategy-tepat = Exact
callout-strategy-semua = All
callout-strategy-chosen = ▶ { $label }
callout-confirm-question = Send the call-out now?
callout-send = ✅ Send
callout-discard = Cancel
callout-sent = ✅ Call-out #{ $id } sent. Its rekap, kept up to date, follows below.
callout-sent-short = Sent.
callout-discarded = The call-out was dropped before it was sent.
callout-discarded-short = Dropped.
callout-already-sent = This call-out has already been sent (#{ $id }).
callout-draft-gone = This confirmation is no longer valid. Start again with /mobilize.
callout-draft-expired = This confirmation has expired (the numbers may have changed). Send the order again.
callout-draft-not-yours = This confirmation belongs to another commander.
callout-nothing-to-send = Nobody can be called. Check readiness, or pick another category.
callout-site-saved = 📍 Site pin saved. Arrivals are verified within { $radius }.

## The guided order (buttons)

callout-guided-category = <b>Call-out</b> — pick a category:
callout-guided-category-more = <b>Call-out</b> ({ $summary }) — pick another category:
callout-guided-category-button = { $category } · { $ready } ready
callout-guided-count = How many <b>{ $category }</b>? ({ $ready } can be called)
callout-guided-none-ready = Nobody of <b>{ $category }</b> can be called right now. Pick another category:
callout-guided-location = Call-out: <b>{ $summary }</b>
    Type the destination (at most 200 characters), or add a category.
callout-guided-more = Add a category
callout-input-stale = The call-out being put together is no longer open. Start again with /mobilize.
callout-field-task = + Task/BKO
callout-field-assembly = + Assembly point
callout-field-report-to = + Report to
callout-field-ask-task = Type the task or BKO (at most { $max } characters), e.g. <code>BKO Polres Sanggau</code>
callout-field-ask-assembly = Type where to assemble before leaving (at most { $max } characters), e.g. <code>Mako Brimob</code>
callout-field-ask-report-to = Type whom to report to: name and phone or radio channel (at most { $max } characters), e.g. <code>Iptu Dedi 0812-3456-7890</code>

## The invitation (private chat)

callout-invite-drill = 🟡 <b>DRILL — NOT A REAL CALL-OUT</b>
callout-invite-title = 🚨 <b>CALL-OUT #{ $id } — { $category }</b>
callout-invite-needed = { $quota } personnel needed
callout-invite-location = Location: { $location }
callout-invite-map = 📍 <a href="{ $url }">See the site on a map</a>
callout-invite-task = Task: { $task }
callout-invite-assembly = Assemble at: { $assembly }
callout-invite-report-to = Report to: { $report_to }
callout-invite-orderer = Ordered by: { $name }
callout-invite-orderer-post = Ordered by: { $name } ({ $position })
callout-invite-ref = Order: { $ref }
callout-invite-deadline = Answer by <b>{ $time }</b>
callout-accept = ✅ Ready to go
callout-decline = ❌ Unable
callout-reminder-title = ⏰ <b>REMINDER — CALL-OUT #{ $id } — { $category }</b>
callout-reminder-ask = Please answer before { $time }; otherwise you are replaced and your commander is told.
callout-invite-stood-down = <b>CALL-OUT #{ $id } — { $category }</b>
    ✅ The quota is met; you are not sent after all. Thank you. Your status stays READY.
callout-invite-cancelled = <b>CALL-OUT #{ $id } — { $category } CANCELLED.</b> You do not need to go. Your status stays READY.
callout-invite-closed = <b>CALL-OUT #{ $id } — { $category }</b> has ended. Thank you; stay ready.

## Answers

callout-accepted = ✅ <b>Ready to go — CALL-OUT #{ $id }</b>
    Destination: { $location }
    When you arrive, tap <b>📍 Arrived</b>.
callout-accepted-short = Recorded: ready to go.
callout-arrival-prompt = Tap <b>📍 Arrived</b> when you reach { $location } (CALL-OUT #{ $id }).
callout-arrival-button = 📍 Arrived
callout-late = Thank you for being ready. The quota of CALL-OUT #{ $id } is already met; you do not need to go. Stay ready.
callout-late-short = The quota is already met. Thank you.
callout-declined-ask = ❌ Recorded: you are unable to join CALL-OUT #{ $id }. What is the reason?
callout-declined-short = Recorded: unable.
callout-reason-recorded = ❌ Unable to join CALL-OUT #{ $id } — { $reason }. Thank you.
    Your status is now NOT READY; send /siap when you are ready again.
callout-reason-ask-text = Type a short reason (at most 200 characters):
callout-reason-too-long = The reason is too long ({ $length } characters, at most 200). Please shorten it.
callout-already-accepted = You already said you are ready to go. If you are then unable, contact your commander.
callout-already-declined = Your answer is already recorded.
callout-closed-short = This call-out has ended.
callout-busy = You are deployed on another call-out.
callout-not-yours = This button is not for you.

## No answer: the person's own commander may answer for them

callout-noanswer-report = ⏳ <b>Not reported</b> — CALL-OUT #{ $id } ({ $category })
    { $name } · { $unit }
    did not answer the call-out to { $location } after two answer deadlines, and has been replaced.
    You may answer on their behalf:
callout-proxy-accept = ✅ Ready to go (on behalf)
callout-proxy-decline = ❌ Unable (on behalf)
callout-proxy-done-accept = ✅ Answered for { $name }: ready to go (CALL-OUT #{ $id }).
callout-proxy-done-decline = ❌ Answered for { $name }: unable (CALL-OUT #{ $id }).
callout-proxy-done-late = The quota of CALL-OUT #{ $id } is already met; the answer for { $name } does not count.
callout-proxy-not-yours = This person is not under your command.
callout-proxy-told-accept = Your commander ({ $commander }) said you are <b>ready to go</b> — CALL-OUT #{ $id } to { $location }.
    When you arrive, tap <b>📍 Arrived</b>.
callout-proxy-told-decline = Your commander ({ $commander }) recorded that you are unable to join CALL-OUT #{ $id }.
callout-deactivated = 🚫 CALL-OUT #{ $id }: { $name } is no longer active on the roster and has been replaced.

## The commander's live card

callout-card-title = 🚨 <b>CALL-OUT #{ $id }</b> · { $categories }
    → { $location }
callout-card-drill = 🟡 <b>DRILL</b> — not counted in statistics
callout-card-orderer = Ordered by: { $name }
callout-card-orderer-ref = Ordered by: { $name }
    { $ref }
callout-card-line = <b>{ $category }</b> · quota { $quota }
    ✅ { $accepted } ready to go · 📍 { $arrived } arrived
    ⏳ { $waiting } waiting · ❌ { $declined } unable
    🔁 { $replaced } replaced · { $no_answer } not reported
    🚫 { $unreachable } cannot be reached
callout-card-strategy = { $strategy } · called { $called }
callout-card-reserve = → reserve for { $category }
callout-card-widened = → { $amount } moved to { $reserve }
callout-card-filled = ✅ quota met
callout-card-short = { $short } missing
callout-card-short-accepted = { $short } missing, approved
callout-card-progress = { $progress }
    running { $minutes } min
callout-card-completed = ✅ <b>COMPLETED</b> { $time } · lasted { $minutes } min
callout-card-cancelled = <b>CANCELLED</b> { $time }
callout-remind = ⏰ Remind
callout-complete = ✅ Complete
callout-cancel = Cancel

## Short categories

callout-short = CALL-OUT #{ $id }: <b>{ $category }</b> is { $short } short (quota { $quota }, ready to go { $accepted }). Nobody else ready can be called.
callout-short-no-reserve = This category has no reserve.
callout-short-widen = Widen to { $reserve }
callout-short-accept = Approve the shortfall
callout-short-resolved = ✅ CALL-OUT #{ $id }: { $category } is no longer short.
callout-short-widened = CALL-OUT #{ $id }: { $amount } of the { $category } quota moved to { $reserve }.
callout-short-accepted = CALL-OUT #{ $id }: { $category } shortfall of { $short } approved.
callout-short-nothing = Nothing is missing any more.
callout-short-out-of-scope = You may not move { $reserve }.

## Card buttons

callout-confirm-complete = Complete CALL-OUT #{ $id }? Deployed personnel return to their unit and are READY.
callout-confirm-cancel = Cancel CALL-OUT #{ $id }? Everyone called is told; those already going return to their unit and are READY.
callout-yes-complete = Yes, complete
callout-yes-cancel = Yes, cancel
callout-no = No
callout-completed = ✅ CALL-OUT #{ $id } completed.
callout-cancelled = CALL-OUT #{ $id } cancelled.
callout-kept = Understood; the call-out continues.
callout-already-closed = CALL-OUT #{ $id } has already ended.
callout-manage-not-yours = Only the commander who ordered it, a commander of its categories, or an admin can change this call-out.
callout-reminded = Reminder sent to { $count } personnel.
callout-remind-none = Nobody is waiting to answer.
callout-remind-wait = A reminder was just sent; please wait a moment before reminding again.
callout-released = ✅ <b>CALL-OUT #{ $id } completed.</b> Thank you for your service. You return to your unit; your status is READY again.
callout-cancelled-person = <b>CALL-OUT #{ $id } CANCELLED.</b> You do not need to go; if on the way or on site, return to your unit. Your status is READY again.

## Arrival

callout-arrived-verified = 📍 Arrival recorded — CALL-OUT #{ $id } (verified, { $distance } from the site pin).
callout-arrived-reported = 📍 Arrival recorded — CALL-OUT #{ $id }.
callout-arrival-outside = You are { $distance } from the site pin (limit { $radius }). Send it again once you are there.
callout-arrival-forwarded = Send your current location with the <b>📍 Arrived</b> button, not a forwarded one.

## /pengerahan

callout-list-title = <b>Live call-outs</b>
callout-list-item = #{ $id } { $summary } · { $minutes } min
    → { $location }
callout-list-drill = 🟡 DRILL
callout-list-empty = No live call-outs within your scope.
callout-list-hint = Type <code>/pengerahan NUMBER</code> to see its rekap, e.g. <code>/pengerahan 12</code>
callout-show-unknown = Call-out "{ $value }" not found. Type /pengerahan for the list.
callout-show-not-yours = Call-out #{ $id } is outside your scope.
callout-names-accepted = <b>Ready to go</b>
callout-names-declined = <b>Unable</b>
callout-names-no-answer = <b>Not reported</b>
callout-names-unreachable = <b>Cannot be reached</b>
callout-names-person = • { $name } · { $unit } { $mark }
callout-names-arrived = 📍
callout-names-proxy = (answered by commander)

callout-batch-title = CALL-OUT #{ $id } · { $categories }
callout-declined-not-ready = ❌ You reported NOT READY, so you are recorded as unable for CALL-OUT #{ $id }. Someone else has been called.
