"""Siaga: keep a police command's standby reserve ready and move it fast."""
