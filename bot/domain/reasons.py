"""The one list of reasons a person gives for not being there: the same for a roll call
(tidak hadir), readiness (tidak siap) and a call-out (berhalangan), in the service's order."""

from __future__ import annotations

# sakit · izin · cuti · dik (pendidikan) · DL (dinas luar) · BKO (already under another
# command) · lainnya (free text). Stored as these codes; shown through `reason-<code>` keys.
REASONS = ("sakit", "izin", "cuti", "dik", "dinas_luar", "bko", "lainnya")
OTHER = "lainnya"
# The buttons, three short words a row on a phone; `lainnya` asks for text, alone at the end.
BUTTON_ROWS = (("sakit", "izin", "cuti"), ("dik", "dinas_luar", "bko"), (OTHER,))

# What a person may type for each reason (`/tidaksiap dl`, `/tidaksiap pendidikan`).
WORDS = {
    "sakit": "sakit",
    "izin": "izin",
    "ijin": "izin",
    "cuti": "cuti",
    "dik": "dik",
    "pendidikan": "dik",
    "diklat": "dik",
    "dinas": "dinas_luar",
    "dinas_luar": "dinas_luar",
    "dinasluar": "dinas_luar",
    "dl": "dinas_luar",
    "bko": "bko",
    "lainnya": "lainnya",
    "lain": "lainnya",
}


def known(reason: str | None) -> str:
    """A stored reason as one of the list (anything else, or none, counts as `lainnya`)."""
    return reason if reason in REASONS else OTHER
