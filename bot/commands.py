"""Which commands exist, for whom, and in which chats: one table feeds menus and /bantuan.

Each feature adds its rows here; `handlers.menus` turns them into `set_my_commands` scopes and
`handlers.help` into the help text (description and example from `locales/`).
"""

from __future__ import annotations

from dataclasses import dataclass

ROLE_ORDER = {"stranger": 0, "anggota": 1, "komandan": 2, "admin": 3}


@dataclass(frozen=True)
class CommandSpec:
    name: str
    # The lowest role that may use it; higher roles see it too.
    min_role: str
    private: bool = True
    group: bool = False
    aliases: tuple[str, ...] = ()
    # The full syntax, shown by `/bantuan NAME` after the example (None: the example says it).
    usage_key: str | None = None

    @property
    def description_key(self) -> str:
        return f"cmd-{self.name}"

    @property
    def example_key(self) -> str:
        return f"cmd-{self.name}-example"

    def allowed_for(self, role: str) -> bool:
        return ROLE_ORDER[role] >= ROLE_ORDER[self.min_role]


COMMANDS: list[CommandSpec] = [
    # Menus show commands in this order: what a person does most comes first.
    CommandSpec("start", "stranger", aliases=("daftar",)),
    CommandSpec("siap", "anggota"),
    CommandSpec("tidaksiap", "anggota"),
    CommandSpec("kesiapan", "anggota"),
    CommandSpec(
        "mobilize",
        "komandan",
        group=True,
        aliases=("gerakkan",),
        usage_key="callout-error-usage",
    ),
    CommandSpec("pengerahan", "komandan", group=True),
    CommandSpec("apel", "komandan", group=True, usage_key="apel-usage"),
    CommandSpec("cekkesiapan", "komandan", group=True),
    CommandSpec("status", "komandan", group=True),
    CommandSpec("laporan", "komandan", group=True),
    CommandSpec("dasbor", "komandan", group=True),
    CommandSpec("ekspor", "komandan", usage_key="eks-usage"),
    CommandSpec("posko", "komandan", private=False, group=True, usage_key="posko-usage"),
    CommandSpec("jamrawan", "komandan", group=True, usage_key="jr-usage"),
    CommandSpec("angkat", "admin", usage_key="roles-usage-angkat"),
    CommandSpec("copot", "admin"),
    CommandSpec("lepas", "admin"),
    CommandSpec("bantuan", "stranger", group=True, aliases=("help",)),
    CommandSpec("bahasa", "stranger", aliases=("language",)),
]


def commands_for(role: str, *, in_group: bool = False) -> list[CommandSpec]:
    return [c for c in COMMANDS if c.allowed_for(role) and (c.group if in_group else c.private)]


def find(name: str, specs: list[CommandSpec]) -> CommandSpec | None:
    """The command called `name` (or one of its aliases, with or without the slash)."""
    wanted = name.lstrip("/").split("@", 1)[0].lower()
    return next((c for c in specs if wanted == c.name or wanted in c.aliases), None)
