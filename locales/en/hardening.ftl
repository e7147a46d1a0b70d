## Flood control (handlers/gate.py): a person sending too much too fast.

flood-slow-down = ⏳ Please slow down: you sent too many messages in a short time. Wait a few seconds, then send again. Messages sent meanwhile are not processed.
flood-slow-down-short = ⏳ Too fast. Wait a few seconds, then try again.

## The ops chat (SIAGA_OPS_CHAT_ID): what an operator must hear of at once.

ops-error = Siaga error: <code>{ $summary }</code>
ops-updates-not-saved = 🚨 Siaga cannot save incoming updates: { $problem ->
        [locked] the database is locked by another process.
        [full] the database or its disk is full. Free some disk space.
       *[other] a database error ({ $error }).
    } Nothing is lost: Telegram keeps those updates and Siaga processes them once this is fixed, but until then nobody is answered.
ops-updates-saved-again = ✅ Siaga can save incoming updates again; the ones held back are being processed.
