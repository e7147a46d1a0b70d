"""The `siaga` command line (`python -m bot`): run the bot, operator commands, rehearsals."""
