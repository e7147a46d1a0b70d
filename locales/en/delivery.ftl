## Delivery engine: who could not be reached, and how far a batch has got.

# To the commander who owns a batch; a notice lists up to 25 people, then a new one starts.
delivery-unreachable-title = 🚫 <b>Cannot be reached</b> ({ $count } personnel)
    { $batch }
delivery-unreachable-person = • { $name } · { $unit }
    { $phone } — { $reason }
delivery-unreachable-chat = • chat { $chat } — { $reason }
delivery-unreachable-footer = Reach them by radio or phone.

delivery-reason-blocked = blocked the bot
delivery-reason-deactivated = Telegram account deleted
delivery-reason-kicked = bot removed from the group
delivery-reason-not-found = never opened the bot
delivery-reason-other = refused by Telegram

# Batch progress, e.g. "Sent 2,100 / 3,294 · done in ~40 s".
delivery-progress = Sent { $sent } / { $total } · done in ~{ $eta }
delivery-progress-done = Sent { $sent } / { $total }
delivery-progress-done-failed = Sent { $sent } / { $total } · { $failed } failed
delivery-eta-seconds = { $n } s
delivery-eta-minutes = { $n } min
