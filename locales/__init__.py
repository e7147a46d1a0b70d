"""The Fluent catalogs (`<lang>/*.ftl`), shipped as package data so that a wheel install finds
them: read through importlib.resources, never through a path next to the source tree."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def ftl_files(lang: str) -> list[Traversable]:
    """The catalog files of one language, in name order (the order the bundle loads them)."""
    folder = resources.files(__name__) / lang
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".ftl")),
        key=lambda entry: entry.name,
    )
