"""Whose picture a commander may see and act on: their scope, what of an asked scope lies
outside it, and the command group a group command speaks for. /status, /laporan, /posko,
/ekspor and the dashboard ask the same questions."""

from __future__ import annotations

from telegram import Update

from bot.domain.status import StatusScope
from bot.services import Actor, Services, SiagaContext
from handlers.common import reply
from storage import groups
from storage.groups import CommandGroup


def actor_scope(actor: Actor) -> StatusScope:
    """What a commander may see: everything for an admin, their units and categories else."""
    if actor.is_admin:
        return StatusScope.whole()
    return StatusScope(actor.scope.units, actor.scope.categories)


def scope_label(services: Services, lang: str, scope: StatusScope) -> str:
    return scope.label(services.catalog.text(lang, "posko-scope-everything"))


def outside_of(actor: Actor, scope: StatusScope) -> str | None:
    """What of `scope` lies outside the actor's command (None: nothing, they may act on it)."""
    mine = actor_scope(actor)
    if scope.within(mine):
        return None
    if scope.everything:
        return "*"
    return ", ".join(sorted((scope.units - mine.units) | (scope.categories - mine.categories)))


def refusal_args(context: SiagaContext, outside: str) -> dict[str, str]:
    """The variables of `posko-scope-outside`: what was outside, and the asker's own command."""
    services = context.services
    lang = context.actor.language
    mine = actor_scope(context.actor)
    everything = services.catalog.text(lang, "posko-scope-everything")
    return {
        "value": everything if outside == "*" else outside,
        "scope": scope_label(services, lang, mine) if not mine.empty else "-",
    }


async def group_for_command(update: Update, context: SiagaContext) -> CommandGroup | None:
    """In a group: the registered command group, asked by a commander; else a polite no."""
    chat = update.effective_chat
    if chat is None:
        return None
    group = await groups.active_group(context.services.db, chat.id)
    if group is None:
        await reply(update, context, "posko-not-registered")
        return None
    if not context.actor.is_commander:
        await reply(update, context, "posko-commander-only")
        return None
    return group
