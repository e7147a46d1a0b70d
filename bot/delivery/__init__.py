"""The outbox drainer: the only place that sends proactive messages, within Telegram's limits."""
