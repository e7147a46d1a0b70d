"""A shared location goes to the one feature waiting for it: an arrival, a site pin, an apel.

Several features ask for a location; each registers a claim that handles the location and
returns True when it was theirs. The first claim in registration order wins; a location nobody
wanted gets one clear answer instead of each feature guessing whether it is last in line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import MessageHandler, filters

from bot.domain.geo import valid_coordinates
from bot.services import PartKey, Services, SiagaApp, SiagaContext
from handlers.common import is_private, reply

LocationClaim = Callable[[Update, SiagaContext], Awaitable[bool]]
# This application's claims, in registration order (never process-global).
CLAIMS = PartKey[dict[str, LocationClaim]]("locations.claims")


def claims(app: SiagaApp, name: str, claim: LocationClaim) -> None:
    """`claim(update, context)` handles a location it recognises and returns True."""
    services: Services = app.bot_data["services"]
    services.extras.setdefault(CLAIMS, {})[name] = claim


async def on_location(update: Update, context: SiagaContext) -> None:
    message = update.effective_message
    if message is None or message.location is None or not context.has_actor:
        return
    location = message.location
    if not valid_coordinates(location.latitude, location.longitude):
        await reply(update, context, "location-invalid")
        return
    for claim in context.services.extras.setdefault(CLAIMS, {}).values():
        if await claim(update, context):
            return
    if is_private(update):
        await reply(update, context, "location-not-expected", reply_markup=ReplyKeyboardRemove())


def register(app: SiagaApp) -> None:
    app.add_handler(MessageHandler(filters.LOCATION & filters.UpdateType.MESSAGE, on_location))
