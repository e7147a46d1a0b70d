"""Distances on the ground: assembly points, call-out sites, arrivals."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): good to a few metres at assembly-point scale."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def valid_coordinates(lat: float, lon: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def format_distance(meters: float, lang: str) -> str:
    """`35 m`, `2,4 km` (Indonesian decimal comma), `2.4 km` in English."""
    if meters < 1000:
        return f"{round(meters)} m"
    km = f"{meters / 1000:.1f}"
    return (km.replace(".", ",") if lang == "id" else km) + " km"
