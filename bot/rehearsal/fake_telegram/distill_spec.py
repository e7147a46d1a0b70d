"""Distil the public Bot API spec into the fake's own schema (`bot_api_schema.json`).

The fake Bot API refuses what Telegram refuses by checking every call against the spec. The
published machine-readable spec (PaulSonOfLars/telegram-bot-api-spec, MIT) is ~900 kB, mostly
prose; the fake needs only method and type names, their fields, each field's types and
whether it is required, and what each method returns. This script keeps exactly that, with the
source and the licence in the file's header, and the result is committed: tests, the
simulator and the benches read only the committed file, so a clone or a wheel needs nothing
beside it.

Run by hand when Telegram publishes a new Bot API version (from the repository root, with the
spec checked out beside it as ``../shared/bot-api-spec``):

    python -m bot.rehearsal.fake_telegram.distill_spec [--source DIR] [--out FILE]

and commit the changed `bot/rehearsal/fake_telegram/bot_api_schema.json`.
`tests/test_fake_telegram.py` checks that the committed file is what this script makes,
whenever the source is present.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCHEMA_FILE = HERE / "bot_api_schema.json"
# <repo>/bot/rehearsal/fake_telegram -> <repo>/../shared/bot-api-spec
DEFAULT_SOURCE = HERE.parents[3] / "shared" / "bot-api-spec"


def _fields(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"name": f["name"], "types": list(f.get("types", [])), "required": bool(f.get("required"))}
        for f in raw
    ]


def distill(spec: Mapping[str, Any], source_note: str, licence: str) -> dict[str, Any]:
    """The schema: provenance, version, and per method / type only what the checks use."""
    methods = {
        name: {"returns": list(m.get("returns", [])), "fields": _fields(m.get("fields", []))}
        for name, m in spec.get("methods", {}).items()
    }
    types: dict[str, dict[str, Any]] = {}
    for name, t in spec.get("types", {}).items():
        entry: dict[str, Any] = {"fields": _fields(t.get("fields", []))}
        if t.get("subtypes"):
            entry["subtypes"] = list(t["subtypes"])
        types[name] = entry
    return {
        "about": (
            "Siaga's fake Bot API schema, distilled by "
            "bot/rehearsal/fake_telegram/distill_spec.py from the machine-readable "
            "Telegram Bot API spec: names, fields, types, required; "
            "no prose. Do not edit by hand: re-run the script."
        ),
        "source": source_note,
        "license": licence.splitlines(),
        "version": str(spec.get("version", "unknown")),
        "methods": methods,
        "types": types,
    }


def render(schema: Mapping[str, Any]) -> str:
    """JSON with one method or type a line: small, and a new Bot API version diffs readably."""

    def one(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = ["{"]
    scalars = [k for k in schema if k not in ("methods", "types")]
    for key in scalars:
        lines.append(f"{one(key)}:{one(schema[key])},")
    for section, last in (("methods", False), ("types", True)):
        entries = list(schema[section].items())
        lines.append(f"{one(section)}:{{")
        lines.extend(
            f"{one(name)}:{one(body)}{',' if i < len(entries) - 1 else ''}"
            for i, (name, body) in enumerate(entries)
        )
        lines.append("}" if last else "},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def build(source: Path) -> str:
    """The schema file's text from a checkout of the spec (api.json, SOURCE.txt, LICENSE)."""
    spec = json.loads((source / "api.json").read_text("utf-8"))
    note = (source / "SOURCE.txt").read_text("utf-8").strip()
    licence = (source / "LICENSE").read_text("utf-8").strip()
    return render(distill(spec, note, licence))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.rehearsal.fake_telegram.distill_spec",
        description="Distil the Bot API spec (api.json) into the fake's schema file.",
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="folder with api.json, SOURCE.txt and LICENSE (default: ../shared/bot-api-spec)",
    )
    parser.add_argument(
        "--out", type=Path, default=SCHEMA_FILE, help="schema file to write (default: in place)"
    )
    args = parser.parse_args(argv)
    text = build(args.source)
    args.out.write_text(text, "utf-8")
    print(f"{args.out}: {len(text.encode()):,} bytes from {args.source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
