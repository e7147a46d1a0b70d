"""The readiness chart: the bars it draws (data, not pixels) and a PNG that reads back."""

from __future__ import annotations

import io
import os

from PIL import Image

from bot.domain.status import CategoryCounts
from bot.rehearsal.demo_roster import DEFAULT_CATEGORIES
from bot.reports.charts import PNG_MAGIC, ChartLabels, ChartWorker, chart_bars, readiness_chart

# The founding case's seven categories and their target strengths.
SEED = list(DEFAULT_CATEGORIES)
LABELS = ChartLabels(
    title="Kesiapan per kategori · 14 Feb 2024 20.00 WIB",
    segments=(
        ("siap", "Siap"),
        ("stale", "Belum konfirmasi"),
        ("tidak_siap", "Tidak siap"),
        ("bertugas", "Bertugas"),
    ),
    rest="Tanpa jawaban",
    axis="% dari kekuatan",
    bar_label="siap {siap}/{strength}",
)


def _rows() -> list[CategoryCounts]:
    return [
        CategoryCounts(
            code,
            strength=n,
            linked=n,
            siap=n // 2,
            stale=n // 10,
            tidak_siap={"sakit": 3, "cuti": 2},
            bertugas=n // 5,
            unknown=n - n // 2 - n // 10 - 5 - n // 5,
        )
        for code, n in SEED
    ]


def test_one_bar_per_category_with_its_segments() -> None:
    chart = readiness_chart(_rows(), LABELS)
    assert [bar.category for bar in chart.bars] == [code for code, _ in SEED]
    brimob = chart.bars[3]
    assert (brimob.strength, brimob.siap, brimob.stale, brimob.tidak_siap, brimob.bertugas) == (
        180,
        90,
        18,
        5,
        36,
    )
    assert brimob.rest == 180 - 90 - 18 - 5 - 36
    for bar, (_, strength) in zip(chart.bars, SEED, strict=True):
        assert bar.strength == strength
        assert bar.siap + bar.stale + bar.tidak_siap + bar.bertugas + bar.rest == strength
    assert chart.title == LABELS.title


def test_the_png_is_valid_and_phone_sized() -> None:
    chart = readiness_chart(_rows(), LABELS)
    assert chart.png.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(chart.png))
    image.verify()
    image = Image.open(io.BytesIO(chart.png))
    width, height = image.size
    assert 900 <= width <= 1200
    assert height > 600
    assert len(chart.png) < 300_000


def test_matplotlib_reads_it_back() -> None:
    from matplotlib import image as mpimg

    pixels = mpimg.imread(io.BytesIO(readiness_chart(_rows(), LABELS).png), format="png")
    assert pixels.shape[0] > 600
    assert pixels.shape[2] in (3, 4)


def test_an_empty_category_and_no_categories_still_draw() -> None:
    rows = [CategoryCounts("POH", 0), CategoryCounts("BRIMOB", 10, siap=10)]
    chart = readiness_chart(rows, LABELS)
    assert chart.png.startswith(PNG_MAGIC)
    assert chart.bars[0].rest == 0
    assert readiness_chart([], LABELS).png.startswith(PNG_MAGIC)
    assert chart_bars([]) == ()


async def test_the_worker_draws_in_another_process_once_per_picture() -> None:
    worker = ChartWorker()
    try:
        first = await worker.draw(_rows(), LABELS)
        assert first.png.startswith(PNG_MAGIC)
        assert first.bars == chart_bars(_rows())
        assert worker._pool is not None
        pids = {p.pid for p in worker._pool._processes.values()}
        assert pids
        assert os.getpid() not in pids  # drawn in another process
        again = await worker.draw(_rows(), LABELS)
        assert again.png is first.png  # the same counts: not drawn again
        other = await worker.draw(_rows()[:2], LABELS)
        assert other.png != first.png
    finally:
        await worker.close()


async def test_a_worker_that_died_is_replaced() -> None:
    worker = ChartWorker()
    try:
        await worker.draw(_rows()[:1], LABELS)
        assert worker._pool is not None
        for process in list(worker._pool._processes.values()):
            process.kill()
            process.join()
        chart = await worker.draw(_rows()[:3], LABELS)
        assert chart.png.startswith(PNG_MAGIC)
    finally:
        await worker.close()
