"""Rehearsal tools: the simulator, the demo roster and the fake Bot API. Production code never
imports them (an import-linter contract in pyproject.toml checks it)."""
