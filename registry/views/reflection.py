"""The reflection dashboard: how many communities in a view show each ingredient.

Signals for reflection (DOMAIN.md, the "empty shell" critique), not a ranking: each
measure counts the communities it applies to and those that show the ingredient.
Experiential knowledge, perspectives and reports reuse the recommended SHACL shapes
(the same signals a community page shows); cadence and duration are read from dates.
Only what has happened by `today` counts: a planned meeting is not a meeting held.
"""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from registry.views.federation import Community

ACTIVE = "https://w3id.org/lerende-praktijken/id/status/actief"
LASTING_DAYS = 548  # 1.5 years: "every 6 weeks for at least 1.5 years" (Talma, step 8)


@dataclass(frozen=True)
class Measure:
    key: str
    shown: int  # communities that show the ingredient
    applies: int  # communities the measure applies to

    @property
    def share(self) -> int | None:
        """Whole percent, or None when the measure applies to nobody."""
        return round(100 * self.shown / self.applies) if self.applies else None

    def as_dict(self) -> dict:
        return {"key": self.key, "shown": self.shown, "applies": self.applies, "share": self.share}


def dashboard(communities: list[Community], today: dt.date) -> list[Measure]:
    everyone = len(communities)
    active = [c for c in communities if ACTIVE in c.all("status")]
    week_ago = (today - dt.timedelta(days=7)).isoformat()
    with_past_meeting = [c for c in communities if any(d[:10] < week_ago for d in c.all("meeting"))]
    return [
        Measure("experiential", sum("NoExperientialKnowledge" not in c.signals for c in communities), everyone),
        Measure("perspectives", sum("FewerThanThreePerspectives" not in c.signals for c in communities), everyone),
        Measure("cadence", sum(meets_at_cadence(c, today) for c in active), len(active)),
        Measure("reports", sum("LateReport" not in c.signals for c in with_past_meeting), len(with_past_meeting)),
        Measure("lasting", sum(lasting(c, today) for c in communities), everyone),
    ]


def meets_at_cadence(community: Community, today: dt.date) -> bool:
    """An agreed interval, and over the past year the meetings kept to it.

    Kept to it: at least two meetings in the past 365 days, the median gap between
    them at most the interval plus a week, and the last one no longer ago than twice
    the interval.
    """
    weeks = [int(w) for w in community.all("interval") if w.isdigit()]
    if not weeks:
        return False
    interval = dt.timedelta(weeks=min(weeks))
    year_ago = (today - dt.timedelta(days=365)).isoformat()
    held = sorted(dt.date.fromisoformat(d[:10]) for d in community.all("meeting") if year_ago <= d[:10] <= today.isoformat())
    if len(held) < 2 or today - held[-1] > 2 * interval:
        return False
    gaps = [later - earlier for earlier, later in zip(held, held[1:])]
    return statistics.median(gaps) <= interval + dt.timedelta(weeks=1)


def lasting(community: Community, today: dt.date) -> bool:
    """Started at least 1.5 years ago, and did not end before it got that far."""
    start = _date(community.first("start"))
    if start is None:
        return False
    end = _date(community.first("end")) or today
    return min(end, today) - start >= dt.timedelta(days=LASTING_DAYS)


def meetings_per_month(communities: list[Community], today: dt.date, months: int = 24) -> list[tuple[str, int]]:
    """Meetings held per calendar month over the last `months` months, oldest first."""
    keys = []
    year, month = today.year, today.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    counts = dict.fromkeys(reversed(keys), 0)
    for community in communities:
        for day in community.all("meeting"):
            if day[:7] in counts and day[:10] <= today.isoformat():
                counts[day[:7]] += 1
    return list(counts.items())


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None
