"""/bantuan (/help): what the asker can do, one short line each, and `/bantuan NAME` for one
command's example and syntax (a commander's list stays short enough to read on a phone);
the unknown-command hint."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.commands import CommandSpec, commands_for, find
from bot.services import SiagaApp, SiagaContext
from handlers.common import is_private, reply


def render_help(context: SiagaContext, *, in_group: bool) -> str:
    specs = commands_for(context.actor.role, in_group=in_group)
    lines = [context.t("help-title-" + context.actor.role)]
    for spec in specs:
        lines.append(
            context.t(
                "help-line", command=spec.name, description=context.label(spec.description_key)
            )
        )
    if context.actor.role == "stranger":
        lines.append(context.t("help-stranger-footer"))
    else:
        # The example names the first command of the asker's own role: what they came for.
        own = [s.name for s in specs if s.min_role == context.actor.role] or ["bantuan"]
        example = own[0]
        lines += ["", context.t("help-footer", command=example)]
    return "\n".join(lines)


def render_detail(context: SiagaContext, spec: CommandSpec) -> str:
    lines = [
        context.t(
            "help-detail",
            command=spec.name,
            description=context.label(spec.description_key),
            example=context.label(spec.example_key),
        )
    ]
    if spec.usage_key is not None:
        lines.append(context.t(spec.usage_key))
    return "\n".join(lines)


async def help_command(update: Update, context: SiagaContext) -> None:
    message = update.effective_message
    if message is None:
        return
    in_group = not is_private(update)
    if not context.args:
        await message.reply_html(render_help(context, in_group=in_group))
        return
    spec = find(context.args[0], commands_for(context.actor.role, in_group=in_group))
    if spec is None:
        await reply(update, context, "help-unknown", value=context.args[0][:30])
        return
    await message.reply_html(render_detail(context, spec))


async def unknown_command(update: Update, context: SiagaContext) -> None:
    message = update.effective_message
    if message is None or (not is_private(update) and not _addressed_to_bot(update, context)):
        return
    await reply(update, context, "unknown-command")


def _addressed_to_bot(update: Update, context: SiagaContext) -> bool:
    text = update.effective_message.text if update.effective_message else None
    head = (text or "").split(maxsplit=1)[0] if text else ""
    return "@" in head and head.split("@", 1)[1].lower() == (context.bot.username or "").lower()


async def unknown_button(update: Update, context: SiagaContext) -> None:
    """A tap no feature recognises (old, foreign or forged data): still answered, so the
    person's spinner stops and they learn the button is dead."""
    query = update.callback_query
    if query is not None:
        await query.answer(context.label("button-invalid"), show_alert=True)


def register(app: SiagaApp) -> None:
    app.add_handler(CommandHandler(["bantuan", "help"], help_command))


def register_fallback(app: SiagaApp) -> None:
    """Registered last in group 0: only a command or a tap nobody else took reaches it."""
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_handler(CallbackQueryHandler(unknown_button))
