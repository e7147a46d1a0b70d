"""Smoke test of `python -m bot simulate`: a small evening runs end to end in seconds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli.main import main


def _simulate_small() -> int:
    return main(
        [
            "simulate",
            "--personnel",
            "60",
            "--speed",
            "1800",
            "--apel-minutes",
            "10",
            "--callout",
            "YANMAS:8",
            "--callout-minutes",
            "30",
            "--seed",
            "7",
        ]
    )


def test_a_small_simulation_runs_and_summarizes(capsys: pytest.CaptureFixture[str]) -> None:
    code = _simulate_small()
    out = capsys.readouterr().out
    assert code == 0
    assert "apel #1 dibuka: 60 dipanggil" in out
    delivered = re.search(r"semua prompt terkirim: (\d+)", out)
    assert delivered is not None
    assert "apel #1 ditutup" in out
    assert "pengerahan #1 dikirim: YANMAS kuota 8" in out
    assert "pengerahan #1 selesai" in out
    summary = out[out.index("RINGKASAN") :]
    assert "Apel #1: 60 dipanggil;" in summary
    # The delivery time is shown against what Telegram's limit allows, not as a rate that
    # reads like a breach of it.
    timing = re.search(
        r"sampai dalam ([\d,]+) dtk nyata \(paling cepat yang diizinkan batas Telegram "
        r"30 pesan/dtk: ([\d,]+) dtk\)",
        summary,
    )
    assert timing is not None, summary
    measured, floor = (float(g.replace(",", ".")) for g in timing.groups())
    assert measured >= floor
    assert "per menit" not in summary
    answers = re.search(r"hadir (\d+) · tidak hadir (\d+) · belum lapor (\d+) \(🚫 (\d+)", summary)
    assert answers is not None
    yes, no, silent, unreachable = map(int, answers.groups())
    # Everyone called is accounted for; most answer, some stay silent (the behaviour model).
    assert yes + no + silent == 60
    assert yes > 30
    assert silent > 0
    # The few who blocked the bot are the only ones a prompt did not reach.
    assert int(delivered.group(1)) + unreachable == 60
    assert "kuota terpenuhi" in summary
    assert "siap berangkat 8" in summary
    # The bot never broke Telegram's rules: no 429 met, no malformed call.
    assert "429: 0." in summary
    assert "diperiksa terhadap spesifikasi Bot API 10.1: 0 pelanggaran" in summary


def test_the_summary_claims_no_spec_check_it_did_not_make(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SIAGA_BOT_API_SPEC", str(tmp_path / "no-such-spec.json"))
    assert _simulate_small() == 0
    summary = capsys.readouterr().out.split("RINGKASAN")[1]
    assert "tidak diperiksa terhadap spesifikasi" in summary
    assert "pelanggaran" not in summary
