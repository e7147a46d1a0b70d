"""The command line an admin uses: categories, a demo roster, importing it, checking it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(tmp_path: Path, *args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m bot …` in its own process, as an operator runs it: a hang fails the test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIAGA_")}
    env.update(PYTHONPATH=str(ROOT), SIAGA_DB_PATH=str(db or tmp_path / "siaga.db"))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("run", "import-roster", "demo-roster", "categories", "check", "backup"):
        assert command in result.stdout


def test_import_before_categories_says_what_to_do(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("nrp,nama,pangkat,kategori,satuan,telepon\n", encoding="utf-8")
    result = run(tmp_path, "import-roster", str(roster))
    assert result.returncode == 1
    assert "categories import" in result.stderr


@pytest.mark.parametrize("size", [70])
def test_demo_roster_then_import_then_reimport(tmp_path: Path, size: int) -> None:
    categories = run(tmp_path, "categories", "import", str(ROOT / "examples" / "categories.csv"))
    assert categories.returncode == 0, categories.stderr
    assert "BRIMOB" in categories.stdout

    demo = tmp_path / "demo.csv"
    made = run(tmp_path, "demo-roster", "--out", str(demo), "--size", str(size))
    assert made.returncode == 0, made.stderr
    assert len(demo.read_text(encoding="utf-8").splitlines()) == size + 1

    first = run(tmp_path, "import-roster", str(demo))
    assert first.returncode == 0, first.stderr
    assert f"{size} baru" in first.stdout
    again = run(tmp_path, "import-roster", str(demo))
    assert again.returncode == 0, again.stderr
    assert "0 baru" in again.stdout
    assert (tmp_path / "siaga.db").stat().st_mode & 0o077 == 0


def test_a_bad_file_imports_nothing_and_names_each_row(tmp_path: Path) -> None:
    run(tmp_path, "categories", "import", str(ROOT / "examples" / "categories.csv"))
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "nrp,nama,pangkat,kategori,satuan,telepon\n"
        "87050123,Andi Saputra,Bripda,BRIMOB,Polres Sanggau,081234567801\n"
        "8705012X,Budi,Bripda,BRIMOB,Polres Sanggau,081234567802\n"
        "87050125,Citra,Jenderal Besar,BRIMOP,Polres Sanggau,12\n",
        encoding="utf-8",
    )
    refused = run(tmp_path, "import-roster", str(roster))
    assert refused.returncode == 1
    assert "Baris 3" in refused.stderr
    assert "Baris 4" in refused.stderr
    assert "BRIMOP" in refused.stderr
    partial = run(tmp_path, "import-roster", str(roster), "--skip-invalid")
    assert partial.returncode == 0, partial.stderr
    assert "1 baru" in partial.stdout
