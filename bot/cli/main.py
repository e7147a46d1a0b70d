"""The command line: `python -m bot [run|import-roster|demo-roster|categories|simulate] …`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

# PTB >= 22.2 warns on every RetryAfter.retry_after read unless timedeltas are opted into.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.cli.operations import (
    EXIT_CONFIG,
    OperatorError,
    program_name,
    storage_error,
    webhook_collision,
)
from bot.config import Settings
from storage.db import DatabaseUnusableError, SchemaTooNewError

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
        for error in exc.errors():
            if error["loc"] == ("db_path",) and not Path(str(error["input"])).parent.exists():
                # The mistake an operator meets first on a new machine gets the catalog's one
                # sentence in the configured language, like every other database problem.
                say(OperatorError("db-no-folder", EXIT_CONFIG, path=str(error["input"])))
                raise SystemExit(EXIT_CONFIG) from None
        lines = ["Konfigurasi tidak valid / invalid configuration:"]
        for error in exc.errors():
            message = error["msg"].removeprefix("Value error, ")
            if not error["loc"]:
                # A check across settings names its variables in the message itself.
                lines.append(f"  {message}")
                continue
            name = "SIAGA_" + "_".join(str(p) for p in error["loc"]).upper()
            lines.append(f"  {name}: {message}")
        print("\n".join(lines), file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


class _Preferences(BaseSettings):
    """The language and database path for an error message when the full settings could not
    be read (or were never needed): tolerant of every other setting."""

    model_config = SettingsConfigDict(
        env_prefix="SIAGA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )
    locale: str = "id"
    db_path: str = "siaga.db"


def _preferences() -> _Preferences:
    try:
        return _Preferences()
    except ValidationError:
        return _Preferences.model_construct()


def say(error: OperatorError) -> None:
    """One line on standard error, in the configured language."""
    from bot.i18n import Catalog

    lang = _preferences().locale
    catalog = Catalog.load(default="id")
    args = {"prog": program_name(), **error.args_}
    print(catalog.text(lang if lang in ("id", "en") else "id", error.key, **args), file=sys.stderr)


def cmd_run(_args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_CONFIG
    from telegram.error import InvalidToken

    from bot.logging_setup import configure_logging
    from bot.runner import run_bot

    collision = webhook_collision(settings)
    if collision is not None:
        raise collision
    webhook_secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    configure_logging(settings.bot_token.get_secret_value(), extra_secrets=[webhook_secret])
    try:
        run_bot(settings)
    except InvalidToken:
        raise OperatorError("cli-token-refused", EXIT_CONFIG) from None
    return 0


def cmd_import_roster(args: argparse.Namespace) -> int:
    settings = load_settings()
    path = Path(args.file)
    if not path.is_file():
        raise OperatorError("cli-file-missing", path=str(path))
    return asyncio.run(_import_roster(settings, path, args))


async def _import_roster(settings: Settings, path: Path, args: argparse.Namespace) -> int:
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
            print(catalog.text(lang, "roster-no-categories", prog=program_name()), file=sys.stderr)
            return 1
        result, parsed = await import_roster_file(
            db,
            path,
            SystemClock().now(),
            skip_invalid=args.skip_invalid,
            dry_run=args.dry_run,
            allow_deactivate=args.allow_deactivate,
            sheet=args.sheet,
            nrp_pad=args.nrp_pad,
        )
    finally:
        await db.close()
    errors = parsed.errors
    for error in errors:
        print(
            catalog.text(lang, f"roster-error-{error.reason_key}", **error.args()), file=sys.stderr
        )
    if parsed.sheet is not None:
        print(catalog.text(lang, "roster-sheet-read", sheet=parsed.sheet))
    if parsed.trailer is not None:
        first, last = parsed.trailer
        print(catalog.text(lang, "roster-trailer-ignored", first=first, last=last))
    if result is None:
        # Whole-file problems are not helped by --skip-invalid, and it is not suggested twice.
        row_errors = [e for e in errors if e.line > 0 and e.reason_key != "missing-column"]
        key = (
            "roster-import-refused"
            if row_errors and not args.skip_invalid and parsed.rows
            else "roster-import-refused-plain"
        )
        print(catalog.text(lang, key, errors=len(errors)), file=sys.stderr)
        return 1
    counts = {
        "added": result.added,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "deactivated": result.deactivated,
        "reactivated": result.reactivated,
    }
    if result.refused_deactivation:
        print(
            catalog.text(
                lang,
                "roster-deactivation-refused",
                count=result.deactivated,
                active=result.active_before,
                names=", ".join(result.deactivated_sample),
            ),
            file=sys.stderr,
        )
        return 1
    if not result.written:
        print(catalog.text(lang, "roster-dry-run", **counts, skipped=len(errors)))
        if result.deactivated_sample:
            names = ", ".join(result.deactivated_sample)
            print(
                catalog.text(
                    lang, "roster-dry-run-deactivated", names=names, count=result.deactivated
                )
            )
        return 0
    print(catalog.text(lang, "roster-import-summary", **counts, skipped=len(errors)))
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
        if not source.is_file():
            raise OperatorError("cli-file-missing", path=str(source))
    return asyncio.run(_categories_import(settings, source))


async def _categories_import(settings: Settings, path: Path | bytes) -> int:
    from bot.clock import SystemClock
    from bot.domain.roster import CategoryFileError
    from bot.i18n import Catalog
    from storage.categories import import_categories
    from storage.db import Database

    db = await Database.open(settings.db_path)
    try:
        imported = await import_categories(db, path, SystemClock().now())
    except CategoryFileError as exc:
        catalog = Catalog.load(default=settings.locale)
        for error in exc.errors:
            key = f"roster-error-{error.reason_key}"
            print(catalog.text(settings.locale, key, **error.args()), file=sys.stderr)
        print(
            catalog.text(settings.locale, "categories-import-refused", file=str(path)),
            file=sys.stderr,
        )
        return 1
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
    from bot.cli.operations import backup_database, backup_target
    from bot.clock import SystemClock

    target = backup_target(Path(args.file), settings.db_path, SystemClock().now())
    pages = backup_database(settings.db_path, target)
    print(f"Cadangan / backup: {settings.db_path} → {target} ({pages} pages)")
    return 0


def cmd_compact(_args: argparse.Namespace) -> int:
    settings = load_settings()
    from bot.cli.operations import compact_database

    try:
        before, after = compact_database(settings.db_path)
    except (OSError, sqlite3.Error) as exc:
        print(f"Pemadatan gagal / compact failed: {exc}", file=sys.stderr)
        return 1
    print(f"Dipadatkan / compacted: {settings.db_path} {before:,} → {after:,} bytes")
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
        prog=program_name(), description="Siaga — kesiagaan dan pengerahan personel."
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="jalankan bot (bawaan) / run the bot (default)")
    run.set_defaults(func=cmd_run)

    roster = sub.add_parser(
        "import-roster",
        help="impor daftar personel (CSV/XLSX)",
        description="Impor daftar personel. Orang dicocokkan lewat NRP; yang tidak ada di file"
        " dinonaktifkan (tidak dihapus). Coba dulu dengan --dry-run.",
    )
    roster.add_argument(
        "file", help="CSV atau Excel (.xlsx): nrp, nama, pangkat, kategori, satuan, telepon"
    )
    roster.add_argument(
        "--dry-run", action="store_true", help="tampilkan apa yang akan berubah, tanpa menulis"
    )
    roster.add_argument("--skip-invalid", action="store_true", help="impor baris yang valid saja")
    roster.add_argument(
        "--allow-deactivate",
        action="store_true",
        help="izinkan menonaktifkan lebih dari 10%% personel aktif",
    )
    roster.add_argument("--sheet", default=None, help="nama lembar (sheet) di file Excel")
    roster.add_argument(
        "--nrp-pad",
        action="store_true",
        help="NRP 7 digit: tambahkan angka 0 di depan yang dibuang Excel",
    )
    roster.set_defaults(func=cmd_import_roster)

    demo = sub.add_parser("demo-roster", help="buat daftar personel sintetis")
    demo.add_argument("--out", required=True, help="file CSV yang ditulis, mis. demo.csv")
    demo.add_argument("--size", type=int, default=None, help="jumlah personel (bawaan 3.294)")
    demo.add_argument(
        "--seed", type=int, default=2024, help="benih acak: benih sama, daftar sama (2024)"
    )
    demo.add_argument(
        "--categories",
        default=None,
        help="CSV kategori (kode,nama,personel); bawaan: contoh kasus Kalbar 2024 (7 kategori)",
    )
    demo.set_defaults(func=cmd_demo_roster)

    check = sub.add_parser("check", help="periksa konfigurasi, database, token, zona waktu")
    check.set_defaults(func=cmd_check)

    backup = sub.add_parser("backup", help="salin database dengan aman saat bot berjalan")
    backup.add_argument(
        "file", help="file cadangan baru, atau folder (nama file: siaga-TANGGAL-JAM.db)"
    )
    backup.set_defaults(func=cmd_backup)

    compact = sub.add_parser(
        "compact", help="padatkan database sekali (bot dihentikan dulu) / compact, bot stopped"
    )
    compact.set_defaults(func=cmd_compact)

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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_run)
    try:
        return int(func(args))
    except OperatorError as error:
        say(error)
        return error.exit_code
    except (sqlite3.DatabaseError, SchemaTooNewError, DatabaseUnusableError) as exc:
        # A database that cannot be used is the operator's to fix: one sentence, no traceback.
        problem = storage_error(exc, _preferences().db_path)
        if problem is None:
            raise
        say(problem)
        return problem.exit_code
