"""The readiness chart: per category, stacked siap / belum konfirmasi / tidak siap / bertugas
against strength, as a PNG a phone shows legibly.

Bars are shares of each category's strength (0-100 %), so a category of 61 is as readable
as one of 1,833; every bar is labelled with its counts (`siap 270/291`). Colours come with
hatching and a legend, never colour alone. Rendering uses `matplotlib.figure.Figure` with the
Agg canvas directly: no pyplot, no global backend state.

The bot draws through `ChartWorker`, in a process of its own: matplotlib holds the interpreter
for most of the ~120 ms a chart takes, and on a thread that stalled every other update (a
`/status` waiting behind someone else's chart). The worker also keeps matplotlib's ~45 MB out
of the bot's memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import multiprocessing
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from bot.domain.status import CategoryCounts

SEGMENTS = ("siap", "stale", "tidak_siap", "bertugas")
_COLOURS = {
    "siap": "#2e7d32",
    "stale": "#f9a825",
    "tidak_siap": "#c62828",
    "bertugas": "#1565c0",
}
_HATCHES = {"siap": "", "stale": "//", "tidak_siap": "xx", "bertugas": ".."}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Pictures kept by the worker: the same bars with the same labels (several groups of one
# scope, a /status right after a broadcast) are drawn once.
CACHED_CHARTS = 16

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChartBar:
    """One category's bar: the counts drawn, and the strength they are drawn against."""

    category: str
    strength: int
    siap: int
    stale: int
    tidak_siap: int
    bertugas: int

    def value(self, segment: str) -> int:
        value: int = getattr(self, segment)
        return value

    @property
    def rest(self) -> int:
        """No answer: what is left of the strength."""
        return max(self.strength - self.siap - self.stale - self.tidak_siap - self.bertugas, 0)


@dataclass(frozen=True)
class ChartLabels:
    title: str
    segments: tuple[tuple[str, str], ...]  # (segment of SEGMENTS, legend text): hashable
    rest: str  # legend text for the unanswered part
    axis: str  # "% of strength"
    bar_label: str  # e.g. "siap {siap}/{strength}" (str.format fields)
    thousands: str = "."  # "3.294" in Indonesian, "3,294" in English


@dataclass(frozen=True)
class Chart:
    png: bytes
    bars: tuple[ChartBar, ...]
    title: str


def chart_bars(rows: Sequence[CategoryCounts]) -> tuple[ChartBar, ...]:
    return tuple(
        ChartBar(r.code, r.strength, r.siap, r.stale, r.tidak_siap_total, r.bertugas) for r in rows
    )


def chart_digest(bars: Sequence[ChartBar]) -> str:
    """A short fingerprint of what a chart shows: equal digests, an equal picture."""
    text = ";".join(
        f"{b.category}:{b.strength}:{b.siap}:{b.stale}:{b.tidak_siap}:{b.bertugas}" for b in bars
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def readiness_chart(rows: Sequence[CategoryCounts], labels: ChartLabels) -> Chart:
    bars = chart_bars(rows)
    return Chart(render_png(bars, labels), bars, labels.title)


def render_png(bars: Sequence[ChartBar], labels: ChartLabels) -> bytes:
    # Imported here: matplotlib is ~45 MB of the bot's memory, needed only once a chart is drawn.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    count = max(len(bars), 1)
    # About 1,000 px wide: sharp on a phone, a few dozen kB.
    figure = Figure(figsize=(6.4, 1.6 + 0.55 * count), dpi=160, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(bars)))[::-1]  # first category on top
    left = [0.0] * len(bars)
    for segment in SEGMENTS:
        widths = [_share(bar.value(segment), bar.strength) for bar in bars]
        axes.barh(
            positions,
            widths,
            left=left,
            height=0.62,
            color=_COLOURS[segment],
            hatch=_HATCHES[segment],
            edgecolor="white",
            linewidth=0.6,
            label=dict(labels.segments).get(segment, segment),
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    rest = [_share(bar.rest, bar.strength) for bar in bars]
    axes.barh(
        positions,
        rest,
        left=left,
        height=0.62,
        color="#eeeeee",
        edgecolor="#9e9e9e",
        linewidth=0.6,
        label=labels.rest,
    )
    for position, bar in zip(positions, bars, strict=True):
        axes.text(
            101.5,
            position,
            labels.bar_label.format(
                siap=_thousands(bar.siap, labels.thousands),
                strength=_thousands(bar.strength, labels.thousands),
            ),
            va="center",
            ha="left",
            fontsize=9,
        )
    axes.set_yticks(positions, [bar.category for bar in bars], fontsize=10, fontweight="bold")
    # The axis runs on past 100 % to leave room for the "siap 270/291" labels.
    axes.set_xlim(0, 132)
    axes.set_xticks([0, 25, 50, 75, 100])
    axes.set_xlabel(labels.axis, fontsize=9)
    axes.tick_params(axis="x", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.axvline(100, color="#616161", linewidth=0.8)
    axes.set_title(labels.title, fontsize=11, loc="left")
    figure.legend(loc="outside lower center", ncol=3, fontsize=8, frameon=False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _share(value: int, strength: int) -> float:
    return 100.0 * value / strength if strength > 0 else 0.0


def _thousands(value: int, sep: str) -> str:
    return f"{value:,}".replace(",", sep)


class ChartWorker:
    """Draws charts in one worker process, started on first use and kept.

    A process, not a thread: see the module's docstring. `spawn`, not `fork`: the bot has
    threads (aiosqlite's), and a forked child could inherit a lock held by one of them. A
    worker that died is replaced, and the chart drawn again, once. The bot uses one worker
    for the life of the process (`shared_worker`); it ends with the process.
    """

    def __init__(self, cache_size: int = CACHED_CHARTS) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._cache: OrderedDict[tuple[tuple[ChartBar, ...], ChartLabels], bytes] = OrderedDict()
        self._cache_size = cache_size

    def warm(self) -> None:
        """Start the worker and load matplotlib there now (~1-2 s), not when the first
        status is waiting for its chart."""
        if _may_start_processes():
            self._executor().submit(_load_matplotlib)

    def drawn(self, rows: Sequence[CategoryCounts], labels: ChartLabels) -> Chart | None:
        """The chart if it was drawn already, without waiting for the worker: for code
        inside a transaction, which must not hold the database while a chart is drawn."""
        bars = chart_bars(rows)
        png = self._cache.get((bars, labels))
        return Chart(png, bars, labels.title) if png is not None else None

    async def draw(self, rows: Sequence[CategoryCounts], labels: ChartLabels) -> Chart:
        bars = chart_bars(rows)
        key = (bars, labels)
        png = self._cache.get(key)
        if png is None:
            png = await self._render(bars, labels)
            self._cache[key] = png
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return Chart(png, bars, labels.title)

    async def _render(self, bars: tuple[ChartBar, ...], labels: ChartLabels) -> bytes:
        if not _may_start_processes():
            # A daemonic process (the crash tests run the bot in one) may not have children:
            # a thread, as before the worker, rather than no chart.
            return await asyncio.to_thread(render_png, bars, labels)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), render_png, bars, labels)
        except BrokenProcessPool:
            log.warning("the chart worker died; starting another")
            self._discard()
        return await loop.run_in_executor(self._executor(), render_png, bars, labels)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    def _discard(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    async def close(self) -> None:
        """Stop the worker (waits for a chart being drawn, off the event loop)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


def _may_start_processes() -> bool:
    return not multiprocessing.current_process().daemon


def _load_matplotlib() -> None:
    from matplotlib.backends import backend_agg  # noqa: F401


_SHARED: ChartWorker | None = None


def shared_worker() -> ChartWorker:
    """The process's chart worker. Shared, not one per application: an application that is
    stopped and built again (a restart in the tests) finds matplotlib loaded already. The
    executor's own exit hook stops the worker when the process ends."""
    global _SHARED
    if _SHARED is None:
        _SHARED = ChartWorker()
    return _SHARED
