"""The single aiosqlite connection, its transaction lock, and the forward-only migrations."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

_T = TypeVar("_T")

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class StorageProblem(Enum):
    """A database error that is the machine's, not the code's: an operator must act."""

    LOCKED = "the database is locked: another process held it longer than busy_timeout"
    FULL = "the database or its disk is full: free space (or raise max_page_count)"


def storage_problem(error: BaseException | None) -> StorageProblem | None:
    """Which of the operator's problems this error is; None for anything else."""
    if not isinstance(error, sqlite3.OperationalError):
        return None
    name = getattr(error, "sqlite_errorname", "")
    text = str(error)
    if name in ("SQLITE_BUSY", "SQLITE_LOCKED") or "database is locked" in text:
        return StorageProblem.LOCKED
    if name == "SQLITE_FULL" or "database or disk is full" in text:
        return StorageProblem.FULL
    return None


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer Siaga; running old code on it could corrupt it."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"database schema version {found} is newer than this code ({known})")
        self.found = found
        self.known = known


class OpenProblem(Enum):
    """Why a database file cannot be used; each has its own sentence for the operator."""

    MISSING = "missing"
    NO_FOLDER = "no-folder"
    NOT_A_DATABASE = "not-a-database"
    CORRUPT = "corrupt"
    READ_ONLY = "read-only"
    NO_ACCESS = "no-access"
    TOO_OLD = "too-old"


class DatabaseUnusableError(RuntimeError):
    """The file at `path` cannot be opened the way it was asked for (see `problem`)."""

    def __init__(self, path: str, problem: OpenProblem, detail: str = "") -> None:
        super().__init__(f"{path}: {problem.value}{': ' + detail if detail else ''}")
        self.path = path
        self.problem = problem
        self.detail = detail


def open_problem(error: BaseException) -> OpenProblem | None:
    """The operator's problem behind an sqlite3 error met while opening or reading a file."""
    if not isinstance(error, sqlite3.DatabaseError):
        return None
    name = getattr(error, "sqlite_errorname", "")
    text = str(error)
    if name == "SQLITE_NOTADB" or "file is not a database" in text:
        return OpenProblem.NOT_A_DATABASE
    if name == "SQLITE_CORRUPT" or "malformed" in text:
        return OpenProblem.CORRUPT
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return OpenProblem.READ_ONLY
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database file" in text:
        return OpenProblem.NO_ACCESS
    return None


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """Numbered `storage/migrations/NNNN_name.sql` files, in order, with no gaps."""
    found: list[Migration] = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise RuntimeError(f"migration {expected} is missing (found {migration.name})")
    return found


class _Reads:
    """Queries on the connection, the same for the database and an open transaction.

    Each statement is one trip to aiosqlite's thread: its own `execute` + `fetchone` + cursor
    close would be three, and at 3,294 taps in a second those trips were the bottleneck
    (~200 µs a query instead of ~70, measured).
    """

    conn: aiosqlite.Connection

    async def _on_thread(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        # aiosqlite has no public way to run a function on its thread; `_execute` is the
        # one it uses for every method of its own (tests/test_db.py pins its behaviour).
        conn = self.conn
        result: _T = await conn._execute(work, conn._conn)  # type: ignore[no-untyped-call]
        return result

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        return await self._on_thread(partial(_fetchone, sql, tuple(params)))

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return await self._on_thread(partial(_fetchall, sql, tuple(params)))


def _fetchone(sql: str, params: tuple[Any, ...], conn: sqlite3.Connection) -> sqlite3.Row | None:
    cursor = conn.execute(sql, params)
    try:
        row: sqlite3.Row | None = cursor.fetchone()
        return row
    finally:
        cursor.close()


def _fetchall(sql: str, params: tuple[Any, ...], conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return list(conn.execute(sql, params).fetchall())


def _lastrowid(sql: str, params: tuple[Any, ...], conn: sqlite3.Connection) -> int:
    return int(conn.execute(sql, params).lastrowid or 0)


def _rowcount(sql: str, params: tuple[Any, ...], conn: sqlite3.Connection) -> int:
    return int(conn.execute(sql, params).rowcount)


def _many(sql: str, rows: list[tuple[Any, ...]], conn: sqlite3.Connection) -> int:
    return int(conn.executemany(sql, rows).rowcount)


@dataclass
class Effects:
    """What a transaction left for the background workers, told to them when it commits.

    The storage functions that write outbox and deadline rows record it here, so a feature
    cannot forget to wake delivery or the scheduler (a forgotten wake used to hide behind the
    idle poll: seconds late, only under load).
    """

    enqueued: int = 0  # outbox rows written (messages, edits, documents)
    scheduled: int = 0  # deadline rows armed

    def __bool__(self) -> bool:
        return bool(self.enqueued or self.scheduled)


CommitListener = Callable[[Effects], None]


class _WriteLock:
    """First come, first served, except that an urgent writer goes before every waiting
    ordinary one (never before the transaction that holds the lock)."""

    def __init__(self) -> None:
        self._held = False
        self._waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (
            deque(),
            deque(),
        )

    async def acquire(self, *, urgent: bool) -> None:
        if not self._held:
            self._held = True
            return
        handed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._waiting[0 if urgent else 1]
        queue.append(handed)
        try:
            await handed
        except asyncio.CancelledError:
            if handed.done() and not handed.cancelled():
                self.release()  # handed over just as the waiter was cancelled: pass it on
            else:
                queue.remove(handed)
            raise

    def release(self) -> None:
        for queue in self._waiting:
            while queue:
                handed = queue.popleft()
                if not handed.done():
                    handed.set_result(None)  # the lock passes on, still held
                    return
        self._held = False


class Database(_Reads):
    """One connection shared by every coroutine.

    aiosqlite runs one connection on one thread, so two coroutines that both `BEGIN`
    would interleave their statements in one transaction. `transaction()` serializes
    writers with an asyncio lock; plain reads outside it see committed data (WAL).
    """

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = _WriteLock()
        self._commit_listeners: list[CommitListener] = []

    @classmethod
    async def open(
        cls,
        path: str | os.PathLike[str],
        migrations: Iterable[Migration] | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
    ) -> Database:
        """Open (and migrate) the database. `create=False`: a missing file is refused instead
        of created. `read_only`: nothing is written, not even a migration (a file the user may
        not write, a copy on read-only media); its schema must already be this code's.

        Raises DatabaseUnusableError (or SchemaTooNewError) for a file an operator must fix.
        """
        target = str(path)
        connect_to = _prepare_file(target, create=create, read_only=read_only)
        known = bundled_migrations() if migrations is None else list(migrations)
        try:
            conn = await aiosqlite.connect(connect_to, uri=read_only, isolation_level=None)
        except sqlite3.DatabaseError as exc:
            raise _unusable(target, exc) from exc
        # From here on the connection's thread must be closed on every error: aiosqlite's
        # thread is not a daemon, and a process that leaves it open never exits.
        try:
            conn.row_factory = aiosqlite.Row
            db = cls(conn, target)
            await db.fetchone("PRAGMA busy_timeout=5000")
            # Reading the header now turns a foreign or truncated file into a clear error here
            # rather than in the middle of a command.
            await db.fetchone("PRAGMA schema_version")
            if not read_only:
                # Space freed by retention goes back to the file system in small steps
                # (storage/retention.py). Takes effect on a new file only; an older one
                # switches with `python -m bot compact` (README, "Retention").
                await db.fetchone("PRAGMA auto_vacuum=INCREMENTAL")
                await db.fetchone("PRAGMA journal_mode=WAL")
                await db.fetchone("PRAGMA synchronous=NORMAL")
            await db.fetchone("PRAGMA foreign_keys=ON")
            if read_only:
                await db._require_schema(known)
            else:
                await db.migrate(known)
        except sqlite3.DatabaseError as exc:
            await conn.close()
            raise _unusable(target, exc) from exc
        except BaseException:
            await conn.close()
            raise
        return db

    async def _require_schema(self, migrations: list[Migration]) -> None:
        known = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > known:
            raise SchemaTooNewError(current, known)
        if current < known:
            raise DatabaseUnusableError(
                self.path, OpenProblem.TOO_OLD, f"schema version {current} of {known}"
            )

    async def close(self) -> None:
        await self.conn.close()

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, migrations: list[Migration]) -> None:
        known = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > known:
            raise SchemaTooNewError(current, known)
        for migration in migrations:
            if migration.version <= current:
                continue
            # Each upgrade is its own transaction: a failure leaves the previous version intact.
            async with self.transaction() as tx:
                await tx.executescript_in_tx(migration.sql)
                await tx.execute(f"PRAGMA user_version = {migration.version}")

    def on_commit(self, listener: CommitListener) -> None:
        """Call `listener` after every commit that left work for the background workers
        (`Effects`): delivery and the scheduler are woken here, never by hand."""
        self._commit_listeners.append(listener)

    @asynccontextmanager
    async def transaction(self, *, urgent: bool = False) -> AsyncIterator[Transaction]:
        """`BEGIN IMMEDIATE … COMMIT`, serialized; rolls back on any exception. An `urgent`
        one goes before the transactions waiting for their turn (the inbox: updates are not
        asked for until the last batch is committed, so every wait there delays them all)."""
        await self._write_lock.acquire(urgent=urgent)
        try:
            tx = Transaction(self.conn)
            try:
                await self._run_to_end("BEGIN IMMEDIATE")
                yield tx
                await self._run_to_end("COMMIT")
            except BaseException:
                # SQLite may have rolled back by itself (SQLITE_FULL, SQLITE_IOERR, a failed
                # COMMIT): a second ROLLBACK would fail and hide the real error, and a failed
                # COMMIT that left the transaction open would wedge the shared connection.
                if self.conn.in_transaction:
                    await self._run_to_end("ROLLBACK")
                raise
        finally:
            self._write_lock.release()
        if tx.effects:
            for listener in self._commit_listeners:
                listener(tx.effects)

    async def _run_to_end(self, statement: str) -> None:
        """Finish a statement even when the caller is cancelled meanwhile, then let the
        cancellation through: a BEGIN or COMMIT still running on aiosqlite's thread after the
        lock is released would leave the shared connection in a transaction nobody ends."""
        running = asyncio.ensure_future(self._on_thread(partial(_rowcount, statement, ())))
        try:
            await asyncio.shield(running)
        except asyncio.CancelledError:
            await running
            raise

    async def integrity_check(self) -> str:
        row = await self.fetchone("PRAGMA integrity_check")
        return str(row[0]) if row else "no answer"


class Transaction(_Reads):
    """The statements of one open transaction; only valid inside `Database.transaction()`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self.effects = Effects()

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one statement; returns lastrowid (0 when none)."""
        return await self._on_thread(partial(_lastrowid, sql, tuple(params)))

    async def execute_rowcount(self, sql: str, params: Iterable[Any] = ()) -> int:
        return await self._on_thread(partial(_rowcount, sql, tuple(params)))

    async def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> int:
        """Run one statement for every row; returns the rows changed in all."""
        batch = [tuple(r) for r in rows]
        if not batch:
            return 0
        return await self._on_thread(partial(_many, sql, batch))

    async def incremental_vacuum(self, pages: int) -> int:
        """Give up to `pages` free pages back to the file system; returns how many."""
        return await self._on_thread(partial(_incremental_vacuum, pages))

    async def executescript_in_tx(self, script: str) -> None:
        # sqlite3's executescript() commits first; run statement by statement instead.
        for statement in _split_sql(script):
            await self.execute(statement)


def _incremental_vacuum(pages: int, conn: sqlite3.Connection) -> int:
    if int(conn.execute("PRAGMA auto_vacuum").fetchone()[0]) != 2:
        return 0  # a file made before incremental mode: only a full VACUUM shrinks it
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    # sqlite3 steps a statement without result columns once, and each step of this pragma
    # frees one page: one statement per page (a few µs each), all in the open transaction.
    for _ in range(min(pages, free)):
        conn.execute("PRAGMA incremental_vacuum(1)")
    return free - int(conn.execute("PRAGMA freelist_count").fetchone()[0])


def _split_sql(script: str) -> list[str]:
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _prepare_file(target: str, *, create: bool, read_only: bool) -> str:
    """What to connect to: the path, created owner-only when allowed, or a read-only URI."""
    if target == ":memory:":
        return target
    path = Path(target)
    if not path.exists():
        if read_only or not create:
            raise DatabaseUnusableError(target, OpenProblem.MISSING)
        _create_owner_only(path)
    return path.resolve().as_uri() + "?mode=ro" if read_only else target


def _unusable(path: str, error: sqlite3.DatabaseError) -> Exception:
    problem = open_problem(error)
    return error if problem is None else DatabaseUnusableError(path, problem, str(error))


def _create_owner_only(path: Path) -> None:
    """Personal data lives here: create the file readable by its owner only."""
    if path.exists():
        return
    if not path.parent.is_dir():
        # Creating folders is the installer's decision (owner, mode), not the bot's.
        raise DatabaseUnusableError(str(path), OpenProblem.NO_FOLDER)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    except PermissionError as exc:
        raise DatabaseUnusableError(str(path), OpenProblem.NO_ACCESS, str(exc)) from exc
    os.close(fd)
