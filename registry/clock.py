"""The time of writes: harvests, edits and the versions they record.

One function that every writer asks, so that tests can run a federation through
months in seconds by replacing `clock.now` (see `tests/test_history.py`).
"""
from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current moment, in UTC."""
    return dt.datetime.now(dt.timezone.utc)
