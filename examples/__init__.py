"""Example data shipped with the package: the founding case's categories
(`categories.csv`), which `demo-roster` and `simulate` use and an operator can import."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

CATEGORIES: Traversable = resources.files(__name__) / "categories.csv"
