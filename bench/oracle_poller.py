"""The best any bot could do on the ingest burst through this fake, on this machine: a poller
that does nothing but take updates and answer every button press, no database, no rules.

    python bench/oracle_poller.py BASE_URL TOKEN     # run by bench/ingest_bench.py

It polls the way the bot does (getUpdates, 100 a batch, the next poll at once) and answers
each batch's taps on the bot's own pipelined client while it polls again. Its latency is the
fake's hand-out and answer capacity plus the two processes sharing two cores: the floor the
bot's figures are read against.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.delivery.client import BotApiClient
from bot.transport.pipeline import PipelinedClient

TOAST = "✅ HADIR tercatat."


async def main(base_url: str, token: str) -> None:
    updates = BotApiClient(base_url, token, timeout_s=30.0, max_connections=1)
    answers = PipelinedClient(base_url, token, connections=4, timeout_s=30.0)
    await updates.start()
    offset = 0
    pending: set[asyncio.Task[object]] = set()
    try:
        while True:
            got = await updates.call("getUpdates", {"offset": offset, "timeout": 10})
            batch = got.result if got.ok and isinstance(got.result, list) else []
            if not batch:
                continue
            offset = max(int(u["update_id"]) for u in batch) + 1
            payloads = [
                {"callback_query_id": u["callback_query"]["id"], "text": TOAST}
                for u in batch
                if "callback_query" in u
            ]
            task = asyncio.create_task(answers.call_many("answerCallbackQuery", payloads))
            pending.add(task)
            task.add_done_callback(pending.discard)
    finally:
        await answers.close()
        await updates.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
