"""Pure, Telegram-free and I/O-free rules. Every function here takes `now` when time matters."""
