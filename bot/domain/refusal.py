"""Why a request is refused: one type for every parser and rule that says no."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Refusal:
    """The locale key of the message that says why, and the arguments that fill it.

    Every refusal teaches: the message names what was wrong and shows what would be right.
    """

    key: str
    args: Mapping[str, str | int] = field(default_factory=dict)

    def under(self, prefix: str) -> Refusal:
        """The same refusal in a feature's words: shared parsers (order fields) key their
        refusals by what went wrong, each feature has its own message for it."""
        return Refusal(prefix + self.key, self.args)
