"""Reading a moment from a request or the command line: `2026-03-01` or a full dateTime.

A date means the end of that day in the Netherlands: the landscape of that day,
with everything harvested or edited during it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from registry import clock
from registry.errors import N_, BamboeError

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EARLIEST_YEAR = 1900
"""No registry history goes back further; earlier dates only overflow date arithmetic (a week before 0001-01-01)."""


class BadMoment(BamboeError):
    title = N_("Ongeldige datum")


@dataclass(frozen=True, order=True)
class Moment:
    """An instant (UTC) and the day people see it as."""

    at: dt.datetime
    day: dt.date

    @property
    def text(self) -> str:
        """As the log's xsd:dateTime literals are written (UTC, `Z`), for comparing in SPARQL."""
        return self.at.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")

    @property
    def label(self) -> str:
        return self.day.isoformat()


def day_of(instant: dt.datetime) -> dt.date:
    """The day people in the Netherlands saw this instant as."""
    return instant.astimezone(AMSTERDAM).date()


def end_of(day: dt.date) -> Moment:
    """The last second of `day` in the Netherlands."""
    last = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=AMSTERDAM)
    return Moment(last.astimezone(dt.timezone.utc), day)


def parse_moment(text: str, name: str = "op") -> Moment:
    """`YYYY-MM-DD` (the end of that day) or an xsd:dateTime with a time zone; never in the future."""
    text = (text or "").strip()
    try:
        if DATE.fullmatch(text):
            moment = end_of(dt.date.fromisoformat(text))
        else:
            at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if at.tzinfo is None:
                raise ValueError("no time zone")
            moment = Moment(at.astimezone(dt.timezone.utc), day_of(at))
    except ValueError:
        raise BadMoment(N_("%(name)s=%(text)r is geen datum: geef een datum als 2026-03-01 (of een tijdstip met "
                           "tijdzone, zoals 2026-03-01T12:00:00Z)."), name=name, text=text) from None
    if moment.day.year < EARLIEST_YEAR:
        raise BadMoment(N_("%(name)s=%(text)s ligt te ver terug; kies een datum vanaf %(year)s."),
                        name=name, text=text, year=EARLIEST_YEAR)
    if moment.day > day_of(clock.now()):
        raise BadMoment(N_("%(name)s=%(text)s ligt in de toekomst; de geschiedenis loopt tot vandaag."),
                        name=name, text=text)
    return moment
