"""Telegram in and out of the process: the bot client, the inbox updater (polling), the
webhook, and the tap lane that takes bursts of button presses before PTB builds updates."""
