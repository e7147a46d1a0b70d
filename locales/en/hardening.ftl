## Flood control (handlers/gate.py): a person sending too much too fast.

flood-slow-down = ⏳ Please slow down: you sent too many messages in a short time. Wait a few seconds, then send again. Messages sent meanwhile are not processed.
flood-slow-down-short = ⏳ Too fast. Wait a few seconds, then try again.
