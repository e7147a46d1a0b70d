"""The Bot API specification as the fake server's referee.

The fake is only worth something if it refuses what Telegram refuses, so every request is
checked against the machine-readable spec and so is every object the fake itself produces.
The spec is the project's own `bot_api_schema.json` (package data), distilled from
PaulSonOfLars/telegram-bot-api-spec (MIT) by `distill_spec.py`; ``$SIAGA_BOT_API_SPEC`` may
point at another file of the same shape (the full ``api.json`` is one). Lookups are
precomputed into frozensets because the check runs on the hot path of the delivery benchmark.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

SPEC_ENV = "SIAGA_BOT_API_SPEC"

SCHEMA_RESOURCE = "bot_api_schema.json"

_PRIMITIVES = frozenset({"Integer", "Float", "String", "Boolean", "True", "InputFile"})
# A form-encoded value for one of these is the raw string, never JSON: "123" stays "123".
_RAW_STRING_TYPES = frozenset({"String", "InputFile"})
_MAX_REPORTED = 10


@dataclass(frozen=True, slots=True)
class MethodSpec:
    name: str
    params: frozenset[str]
    required: frozenset[str]
    # Parameters whose form-encoded value must not be JSON-decoded (text "42" stays a string).
    raw_strings: frozenset[str]
    param_types: Mapping[str, tuple[str, ...]]
    returns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TypeSpec:
    name: str
    fields: frozenset[str]
    required: frozenset[str]
    field_types: Mapping[str, tuple[str, ...]]
    subtypes: tuple[str, ...]


class BotApiSpec:
    """Method and type tables of one Bot API version, indexed for cheap checks."""

    def __init__(self, raw: Mapping[str, Any], source: str = "<memory>") -> None:
        self.source = source
        self.version: str = str(raw.get("version", "unknown"))
        self.methods: dict[str, MethodSpec] = {}
        # Telegram matches method names case-insensitively, so the index is lower-cased.
        self.methods_lower: dict[str, MethodSpec] = {}
        self.types: dict[str, TypeSpec] = {}
        for name, m in raw.get("methods", {}).items():
            fields = m.get("fields", [])
            spec = MethodSpec(
                name=name,
                params=frozenset(f["name"] for f in fields),
                required=frozenset(f["name"] for f in fields if f.get("required")),
                raw_strings=frozenset(
                    f["name"] for f in fields if set(f.get("types", [])) <= _RAW_STRING_TYPES
                ),
                param_types={f["name"]: tuple(f.get("types", [])) for f in fields},
                returns=tuple(m.get("returns", [])),
            )
            self.methods[name] = spec
            self.methods_lower[name.lower()] = spec
        for name, t in raw.get("types", {}).items():
            fields = t.get("fields", [])
            self.types[name] = TypeSpec(
                name=name,
                fields=frozenset(f["name"] for f in fields),
                required=frozenset(f["name"] for f in fields if f.get("required")),
                field_types={f["name"]: tuple(f.get("types", [])) for f in fields},
                subtypes=tuple(t.get("subtypes", [])),
            )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> BotApiSpec:
        p = Path(path)
        with p.open(encoding="utf-8") as fh:
            return cls(json.load(fh), source=str(p))

    def method(self, name: str) -> MethodSpec | None:
        return self.methods_lower.get(name.lower())

    # -- requests -------------------------------------------------------------------------

    def check_request(self, method: str, params: Mapping[str, Any]) -> list[str]:
        """Problems with a call as Telegram would see it; empty when the call is valid."""
        spec = self.method(method)
        if spec is None:
            return [f"method {method!r} does not exist in {self.version}"]
        problems: list[str] = []
        missing = spec.required - params.keys()
        if missing:
            problems.append(
                f"{spec.name}: missing required parameter(s) {', '.join(sorted(missing))}"
            )
        unknown = params.keys() - spec.params
        if unknown:
            problems.append(f"{spec.name}: unknown parameter(s) {', '.join(sorted(unknown))}")
        for key, value in params.items():
            types = spec.param_types.get(key)
            if types is not None:
                problems.extend(self.check_value(types, value, f"{spec.name}.{key}"))
        return problems

    # -- objects --------------------------------------------------------------------------

    def check_object(self, type_name: str, obj: Any, path: str | None = None) -> list[str]:
        """Check that ``obj`` is a valid ``type_name``: known fields only, required present."""
        return self.check_value((type_name,), obj, path or type_name)

    def check_value(self, types: Iterable[str], value: Any, path: str) -> list[str]:
        """Check ``value`` against a union of spec types; the closest alternative's errors."""
        best: list[str] | None = None
        for t in types:
            errors = self._check_one(t, value, path)
            if not errors:
                return []
            if best is None or len(errors) < len(best):
                best = errors
        return best or []

    def _check_one(self, type_name: str, value: Any, path: str) -> list[str]:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [f"{path}: expected {type_name}, got {type(value).__name__}"]
            inner = type_name[len("Array of ") :]
            errors: list[str] = []
            for i, item in enumerate(value):
                errors.extend(self._check_one(inner, item, f"{path}[{i}]"))
                if len(errors) >= _MAX_REPORTED:
                    break
            return errors
        if type_name in _PRIMITIVES:
            return (
                []
                if _primitive_ok(type_name, value)
                else [f"{path}: expected {type_name}, got {type(value).__name__} {value!r:.40}"]
            )
        t = self.types.get(type_name)
        if t is None:
            # The spec names a type it does not define: nothing to hold the value to.
            return []
        if t.subtypes:
            return self.check_value(t.subtypes, value, path)
        if not isinstance(value, dict):
            return [f"{path}: expected {type_name} object, got {type(value).__name__}"]
        errors = []
        unknown = value.keys() - t.fields
        if unknown:
            errors.append(f"{path}: unknown field(s) {', '.join(sorted(unknown))} in {type_name}")
        missing = t.required - value.keys()
        if missing:
            errors.append(
                f"{path}: missing required field(s) {', '.join(sorted(missing))} in {type_name}"
            )
        for key, item in value.items():
            ftypes = t.field_types.get(key)
            if ftypes is not None:
                errors.extend(self.check_value(ftypes, item, f"{path}.{key}"))
        return errors


def _primitive_ok(type_name: str, value: Any) -> bool:
    if type_name == "String":
        return isinstance(value, str)
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    if type_name == "True":
        return value is True
    # InputFile: a multipart reference or file_id/URL string; its content is not JSON.
    return True


def load_spec(path: str | os.PathLike[str] | None = None) -> BotApiSpec | None:
    """The spec from ``path`` or ``$SIAGA_BOT_API_SPEC`` (None when that file is absent), else
    the schema shipped with the package."""
    chosen = path if path is not None else os.environ.get(SPEC_ENV)
    if chosen is None:
        return _bundled_spec()
    p = Path(chosen)
    if not p.is_file():
        return None
    return BotApiSpec.load(p)


@functools.cache
def _bundled_spec() -> BotApiSpec:
    # Parsed once a process: the tests start hundreds of fakes.
    entry = resources.files(__package__ or "bot.rehearsal.fake_telegram") / SCHEMA_RESOURCE
    return BotApiSpec(json.loads(entry.read_text("utf-8")), source=f"bundled {SCHEMA_RESOURCE}")
