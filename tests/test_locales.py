"""Indonesian is the reference; English has exactly the same keys and variables."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from bot.i18n import Catalog, format_moment, format_number, format_time
from locales import ftl_files

ROOT = Path(__file__).resolve().parent.parent
# reply(update, context, "key"), context.t("key"), context.label("key"), catalog.text(lang, "key")
KEY_USE = re.compile(
    r"""(?:reply\(\s*update,\s*context,\s*|\.t\(\s*|\.label\(\s*|\.(?:text|html)\(\s*\w+,\s*)"([a-z][a-z0-9-]+)\"""",
)


def _messages(lang: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in ftl_files(lang):
        resource = FluentParser().parse(path.read_text("utf-8"))
        for entry in resource.body:
            assert not isinstance(entry, ast.Junk), f"{path}: {entry.annotations}"
            if isinstance(entry, ast.Message):
                assert entry.id.name not in found, f"{lang}: duplicate key {entry.id.name}"
                found[entry.id.name] = _variables(entry)
    return found


def _variables(node: object) -> set[str]:
    names: set[str] = set()

    class Collector(Visitor):
        def visit_VariableReference(self, var: ast.VariableReference) -> None:
            names.add(var.id.name)

    Collector().visit(node)
    return names


def test_english_has_the_same_keys_and_variables_as_indonesian() -> None:
    indonesian, english = _messages("id"), _messages("en")
    assert sorted(set(indonesian) - set(english)) == []
    assert sorted(set(english) - set(indonesian)) == []
    mismatched = [k for k in indonesian if indonesian[k] != english[k]]
    assert mismatched == []


def test_every_key_the_code_uses_exists() -> None:
    known = set(_messages("id"))
    missing: list[str] = []
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            for key in KEY_USE.findall(path.read_text("utf-8")):
                if key not in known and not key.endswith("-"):
                    missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []


def test_missing_key_raises() -> None:
    catalog = Catalog.load()
    try:
        catalog.text("id", "no-such-key")
    except KeyError:
        return
    raise AssertionError("a missing key must raise")


def test_html_arguments_are_escaped() -> None:
    catalog = Catalog.load()
    text = catalog.html("id", "start-welcome-back", name="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in text


def test_numbers_and_times_the_indonesian_way() -> None:
    moment = datetime(2024, 2, 14, 16, 4, tzinfo=UTC)
    zone = ZoneInfo("Asia/Pontianak")
    assert format_number(3294, "id") == "3.294"
    assert format_number(3294, "en") == "3,294"
    assert format_moment(moment, zone, "id") == "14 Feb 2024 23.04 WIB"
    assert format_moment(moment, zone, "id", with_day=True) == "Rabu, 14 Februari 2024 23.04 WIB"
    assert format_time(moment, zone, "id") == "23.04 WIB"
    assert format_time(moment, ZoneInfo("Asia/Makassar"), "id") == "00.04 WITA"
