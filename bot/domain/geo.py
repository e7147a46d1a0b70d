"""Distances on the ground: assembly points, call-out sites, arrivals."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

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


class ArrivalStatus(StrEnum):
    VERIFIED = "verified"  # inside the radius of the site
    REPORTED = "reported"  # no site coordinates: taken as reported
    OUTSIDE = "outside"  # too far from the site: recorded, not counted


@dataclass(frozen=True)
class ArrivalVerdict:
    status: ArrivalStatus
    distance_m: float | None

    @property
    def counts(self) -> bool:
        return self.status is not ArrivalStatus.OUTSIDE


def judge_arrival(
    site: tuple[float, float] | None,
    radius_m: float,
    point: tuple[float, float],
    accuracy_m: float | None = None,
) -> ArrivalVerdict:
    if site is None:
        return ArrivalVerdict(ArrivalStatus.REPORTED, None)
    distance = distance_m(site[0], site[1], point[0], point[1])
    # A phone that says "I am within 80 m" is given those 80 m, up to the radius again.
    slack = min(accuracy_m or 0.0, radius_m)
    if distance <= radius_m + slack:
        return ArrivalVerdict(ArrivalStatus.VERIFIED, distance)
    return ArrivalVerdict(ArrivalStatus.OUTSIDE, distance)
