"""The time of writes: harvests, edits and the versions they record.

One function every writer asks, so a test can run a federation through months in
minutes. With `BAMBOE_CLOCK_FILE` set (tests only; never in a deployment), the
clock reads the ISO dateTime that file holds, so a test moves the time of real node
and hub processes by rewriting one file; without the file, or with it empty, the
clock is the system's.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path


def now() -> dt.datetime:
    """The current moment, in UTC."""
    controlled = os.environ.get("BAMBOE_CLOCK_FILE")
    if controlled:
        try:
            text = Path(controlled).read_text(encoding="utf-8").strip()
        except OSError:
            text = ""
        if text:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


def today() -> dt.date:
    """Today where this process runs (as `date.today()`), by the same clock."""
    return now().astimezone().date()
