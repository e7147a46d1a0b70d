"""`python -m bot`: the `siaga` command line (bot/cli)."""

from bot.cli.main import main

raise SystemExit(main())
