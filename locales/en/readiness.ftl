## Readiness (kesiapan) — English.

cmd-siap = Report that you are READY
cmd-siap-example = /siap
cmd-tidaksiap = Report NOT READY, with a reason
cmd-tidaksiap-example = /tidaksiap sakit
cmd-kesiapan = See and change your readiness
cmd-kesiapan-example = /kesiapan
cmd-cekkesiapan = Ask for readiness confirmation
cmd-cekkesiapan-example = /cekkesiapan BRIMOB 30

## Reasons (shared with apel)

reason-sakit = sick
reason-izin = excused
reason-cuti = on leave
reason-dik = training (dik)
reason-dinas-luar = on duty elsewhere
reason-bko = BKO (other command)
reason-lainnya = other
reason-button-sakit = Sick
reason-button-izin = Excused
reason-button-cuti = On leave
reason-button-dik = Training
reason-button-dinas-luar = Duty elsewhere
reason-button-bko = BKO
reason-button-lainnya = Other…

## Own state

readiness-title = <b>Your readiness</b> — { $name }
readiness-state-none = No readiness status yet. Choose below.
readiness-state-siap = ✅ <b>READY</b> · confirmed { $confirmed }
    Valid until { $until }; then the bot asks you to confirm again.
readiness-state-stale = ⏳ <b>READY, to be reconfirmed</b>
    Last confirmed { $confirmed }
readiness-state-tidak-siap = ❌ <b>NOT READY</b> · { $reason }{ $until ->
        [none] { "" }
       *[other] { " " }· until { $until }
    }
readiness-state-ended = ⏳ Your <b>NOT READY</b> period ({ $reason }) ended { $until }. Please confirm your status.
readiness-state-bertugas = <b>DEPLOYED</b> · call-out #{ $callout }
    The call-out sets this status; you do not need to change it.
readiness-button-siap = ✅ Ready
readiness-button-tidak = ❌ Not ready
readiness-button-still-siap = ✅ Still ready
readiness-button-still-tidak = ❌ Still not ready

readiness-now-siap = ✅ You are <b>READY</b> · { $time }
    The bot will ask you again { $next }.
readiness-toast-siap = ✅ READY recorded.
readiness-deployed-unchanged = You are DEPLOYED on a call-out; the call-out sets this status, so nothing was changed.
readiness-pick-reason = Why are you <b>NOT READY</b>?
readiness-write-reason = ❌ Recorded <b>NOT READY</b> (other). Type a short reason as a reply in this chat.
readiness-now-tidak-siap = ❌ Recorded <b>NOT READY</b> ({ $reason }) · { $time }.
    Until when?
readiness-until-today = Today
readiness-until-tomorrow = Tomorrow
readiness-until-3d = 3 days
readiness-until-none = Not sure
readiness-until-saved = Recorded.
readiness-until-set = ❌ <b>NOT READY</b> ({ $reason }) until { $until }. The bot will ask you to confirm again then.
readiness-until-open = ❌ <b>NOT READY</b> ({ $reason }), with no end time. Send /siap when you are ready.
readiness-until-not-applicable = Your status is no longer NOT READY; nothing was changed.
readiness-unknown-reason = Unknown reason "{ $value }". Choose: sakit (sick), izin (excused), cuti (leave), dik (training), dinas luar (DL), BKO, or lainnya (other). Example: <code>/tidaksiap sakit</code> or <code>/tidaksiap lainnya family matter</code>. Or type just /tidaksiap to choose with buttons.
readiness-private-only = Readiness is set in a private chat with the bot.
readiness-no-person = This account is not linked to a personnel record, so it has no readiness status.

## Asking again

readiness-ask-stale = ⏳ <b>Confirm your readiness</b>
    Your READY status was last confirmed { $confirmed }. Are you still READY?
readiness-ask-ended = ⏳ <b>Confirm your readiness</b>
    Your NOT READY period ({ $reason }) ended { $until }. Are you READY now?
