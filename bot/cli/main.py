"""The command line: `python -m bot [run|import-roster|demo-roster|categories|simulate] …`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# PTB >= 22.2 warns on every RetryAfter.retry_after read unless timedeltas are opted into.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from pydantic import ValidationError

from bot.config import Settings

EXIT_CONFIG = 2

NO_TOKEN = """\
Token bot belum diatur (SIAGA_BOT_TOKEN).
  1. Buka Telegram, cari @BotFather, kirim /newbot dan ikuti petunjuknya.
  2. Salin token yang diberikan (bentuknya 123456789:AAE…).
  3. Simpan di file .env di folder ini:  SIAGA_BOT_TOKEN=123456789:AAE…
     (contoh lengkap ada di .env.example), lalu jalankan lagi: python -m bot

The bot token is not set (SIAGA_BOT_TOKEN).
  1. In Telegram, open @BotFather, send /newbot and follow the steps.
  2. Copy the token it gives you (shaped like 123456789:AAE…).
  3. Put it in a .env file in this folder:  SIAGA_BOT_TOKEN=123456789:AAE…
     (see .env.example for every setting), then run again: python -m bot
"""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        lines = ["Konfigurasi tidak valid / invalid configuration:"]
        for error in exc.errors():
            name = "SIAGA_" + "_".join(str(p) for p in error["loc"]).upper()
            lines.append(f"  {name}: {error['msg']}")
        print("\n".join(lines), file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


def cmd_run(_args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_CONFIG
    from bot.logging_setup import configure_logging
    from bot.runner import run_bot

    webhook_secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    configure_logging(settings.bot_token.get_secret_value(), extra_secrets=[webhook_secret])
    run_bot(settings)
    return 0


def cmd_import_roster(args: argparse.Namespace) -> int:
    settings = load_settings()
    return asyncio.run(_import_roster(settings, Path(args.file), args.skip_invalid))


async def _import_roster(settings: Settings, path: Path, skip_invalid: bool) -> int:
    from bot.clock import SystemClock
    from bot.i18n import Catalog
    from storage import categories
    from storage.db import Database
    from storage.roster import import_roster_file

    catalog = Catalog.load(default=settings.locale)
    lang = settings.locale
    db = await Database.open(settings.db_path)
    try:
        if not await categories.all_categories(db):
            print(catalog.text(lang, "roster-no-categories", prog=_prog()), file=sys.stderr)
            return 1
        result, errors = await import_roster_file(
            db, path, SystemClock().now(), skip_invalid=skip_invalid
        )
    finally:
        await db.close()
    for error in errors:
        print(
            catalog.text(lang, f"roster-error-{error.reason_key}", **error.args()), file=sys.stderr
        )
    if result is None:
        print(catalog.text(lang, "roster-import-refused", errors=len(errors)), file=sys.stderr)
        return 1
    print(
        catalog.text(
            lang,
            "roster-import-summary",
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
            deactivated=result.deactivated,
            reactivated=result.reactivated,
            skipped=len(errors),
        )
    )
    return 0


def cmd_demo_roster(args: argparse.Namespace) -> int:
    from bot.domain.roster import parse_categories_csv
    from bot.rehearsal.demo_roster import generate_demo_roster, write_roster_csv
    from examples import CATEGORIES

    source = CATEGORIES if args.categories is None else Path(args.categories)
    data = source.read_bytes()
    seed = parse_categories_csv(data)
    sizes = [(c.code, c.target_strength) for c in seed]
    rows = generate_demo_roster(sizes, size=args.size, seed=args.seed)
    write_roster_csv(rows, Path(args.out))
    print(f"{len(rows)} personel → {args.out}")
    return 0


def cmd_categories_import(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.example == (args.file is not None):
        print(
            "Berikan FILE atau --example (bukan keduanya) / give FILE or --example (not both)",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    if args.example:
        from examples import CATEGORIES

        source: Path | bytes = CATEGORIES.read_bytes()
    else:
        source = Path(args.file)
    return asyncio.run(_categories_import(settings, source))


async def _categories_import(settings: Settings, path: Path | bytes) -> int:
    from bot.clock import SystemClock
    from storage.categories import import_categories
    from storage.db import Database

    db = await Database.open(settings.db_path)
    try:
        imported = await import_categories(db, path, SystemClock().now())
    finally:
        await db.close()
    print(f"{len(imported)} kategori: {', '.join(c.code for c in imported)}")
    return 0


def cmd_check(_args: argparse.Namespace) -> int:
    settings = load_settings()
    from bot.cli.operations import run_checks

    results = asyncio.run(run_checks(settings))
    for result in results:
        mark = "OK  " if result.ok else "GAGAL"
        print(f"{mark} {result.name:<13} {result.detail}")
    return 0 if all(r.ok for r in results) else 1


def cmd_backup(args: argparse.Namespace) -> int:
    settings = load_settings()
    from bot.cli.operations import backup_database

    try:
        pages = backup_database(settings.db_path, Path(args.file))
    except (FileExistsError, OSError) as exc:
        print(f"Cadangan gagal / backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"Cadangan / backup: {settings.db_path} → {args.file} ({pages} pages)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    settings = load_settings()
    from bot.reports.exports import run_cli

    return run_cli(settings, args)


def cmd_simulate(args: argparse.Namespace) -> int:
    # No settings, no token: the simulator builds its own against the local fake Bot API.
    from bot.rehearsal.simulator import cmd_simulate as simulate

    return simulate(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_prog(), description="Siaga — kesiagaan dan pengerahan personel."
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="jalankan bot (bawaan) / run the bot (default)")
    run.set_defaults(func=cmd_run)

    roster = sub.add_parser("import-roster", help="impor daftar personel (CSV/XLSX)")
    roster.add_argument("file")
    roster.add_argument("--skip-invalid", action="store_true", help="impor baris yang valid saja")
    roster.set_defaults(func=cmd_import_roster)

    demo = sub.add_parser("demo-roster", help="buat daftar personel sintetis")
    demo.add_argument("--out", required=True)
    demo.add_argument("--size", type=int, default=None, help="jumlah personel (bawaan 3.294)")
    demo.add_argument("--seed", type=int, default=2024)
    demo.add_argument(
        "--categories",
        default=None,
        help="CSV kategori (kode,nama,personel); bawaan: contoh kasus Kalbar 2024 (7 kategori)",
    )
    demo.set_defaults(func=cmd_demo_roster)

    check = sub.add_parser("check", help="periksa konfigurasi, database, token, zona waktu")
    check.set_defaults(func=cmd_check)

    backup = sub.add_parser("backup", help="salin database dengan aman saat bot berjalan")
    backup.add_argument("file")
    backup.set_defaults(func=cmd_backup)

    from bot.reports.exports import add_cli

    add_cli(sub).set_defaults(func=cmd_export)

    from bot.rehearsal.simulator import add_cli as add_simulate

    add_simulate(sub).set_defaults(func=cmd_simulate)

    cats = sub.add_parser("categories", help="kelola kategori")
    cats_sub = cats.add_subparsers(dest="categories_command", required=True)
    cats_import = cats_sub.add_parser("import", help="impor kategori dari CSV")
    cats_import.add_argument(
        "file", nargs="?", help="CSV kode,nama,personel[,cadangan] (pemisah , atau ;)"
    )
    cats_import.add_argument(
        "--example",
        action="store_true",
        help="kategori contoh yang ikut terpasang (kasus Kalbar 2024: POH … YANMAS)",
    )
    cats_import.set_defaults(func=cmd_categories_import)
    return parser


def _prog() -> str:
    """How the operator started us, for usage lines: `siaga` (the installed script) or
    `python -m bot`."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "python -m bot" if name in ("", "__main__.py", "-c") else name


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_run)
    return int(func(args))
