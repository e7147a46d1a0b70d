"""Run the fake Bot API standalone: ``python -m bot.rehearsal.fake_telegram --port 8081``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from .server import FakeTelegram


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.rehearsal.fake_telegram", description="Fake Telegram Bot API server"
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--token", default=None, help="accept only this bot token")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay on every call")
    parser.add_argument(
        "--rate-limits", action="store_true", help="answer 429 like Telegram when flooded"
    )
    parser.add_argument("--error-5xx-ratio", type=float, default=0.0)
    parser.add_argument("--timeout-ratio", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0, help="seed for random faults")
    parser.add_argument("--no-spec-check", action="store_true", help="skip Bot API spec checks")
    parser.add_argument(
        "--validate-results",
        action="store_true",
        help="also check the fake's own answers against the spec (slower)",
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    fake = FakeTelegram(
        host=args.host,
        port=args.port,
        token=args.token,
        check_spec=not args.no_spec_check,
        validate_results=args.validate_results,
    )
    fake.faults.latency_ms = args.latency_ms
    fake.faults.rate_limits = args.rate_limits
    fake.faults.error_5xx_ratio = args.error_5xx_ratio
    fake.faults.timeout_ratio = args.timeout_ratio
    fake.faults.reseed(args.seed)
    async with fake:
        spec = fake.spec.version if fake.spec is not None else "no spec (checks off)"
        print(fake.base_url, flush=True)
        print(
            f"fake Telegram Bot API ({spec}); PTB base_url={fake.api_base_url} "
            f"base_file_url={fake.file_base_url}; control API at {fake.base_url}/_fake/state",
            flush=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
