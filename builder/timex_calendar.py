"""Calendar arithmetic for TIMEX3 values: moving a date by units, writing it at a precision.

Pure functions of dates and numbers; the words that lead to them are elsewhere
(builder/data/timex.yaml, builder/timex_resolve.py).
"""
from __future__ import annotations

import calendar
import datetime as dt


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def shift(d: dt.date, code: str, n: float) -> dt.date:
    """``d`` moved by ``n`` units of ``code`` (Y, M, W, D, Q, DE, CE; time units count as days)."""
    n_int = int(n)
    if code == "Y":
        return add_months(d, 12 * n_int)
    if code == "M":
        return add_months(d, n_int)
    if code == "Q":
        return add_months(d, 3 * n_int)
    if code == "DE":
        return add_months(d, 120 * n_int)
    if code == "CE":
        return add_months(d, 1200 * n_int)
    if code == "W":
        return d + dt.timedelta(weeks=n)
    if code == "D":
        return d + dt.timedelta(days=n)
    return d


def fmt(d: dt.date, code: str) -> str:
    """``d`` at the precision of a unit: day, ISO week, month, quarter, year, decade, century."""
    if code == "W":
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}"
    if code == "M":
        return f"{d.year:04d}-{d.month:02d}"
    if code == "Q":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if code == "Y":
        return f"{d.year:04d}"
    if code == "DE":
        return f"{d.year // 10:03d}"
    if code == "CE":
        return f"{d.year // 100:02d}"
    return d.isoformat()


UNKNOWN = {"D": "XXXX-XX-XX", "W": "XXXX-WXX", "M": "XXXX-XX", "Q": "XXXX-QX", "Y": "XXXX", "DE": "XXX",
           "CE": "XX", "H": "XXXX-XX-XX", "MIN": "XXXX-XX-XX", "S": "XXXX-XX-XX"}


def closest(candidates: list[dt.date], anchor: dt.date, tense: str | None) -> dt.date:
    """The candidate reading a news writer most likely meant: the nearest to the anchor,
    unless it contradicts the tense of the clause; past is the default leaning of news."""
    def cost(c):
        delta = (c - anchor).days
        penalty = 0
        if tense == "future" and delta < -1:
            penalty = 150
        elif tense == "past" and delta > 1:
            penalty = 150
        elif tense is None and delta > 0:
            penalty = 45
        return abs(delta) + penalty
    return min(candidates, key=cost)


def closest_in_tense(candidates: list[dt.date], anchor: dt.date, tense_of) -> dt.date:
    """``closest(candidates, anchor, tense_of())``, the tense ("future", "past" or None) asked
    only if the readings in those tenses differ: asking reads the clause for its cue words,
    at many times the cost of these comparisons, and most dates near the anchor read alike."""
    reading = closest(candidates, anchor, None)
    if closest(candidates, anchor, "past") == reading == closest(candidates, anchor, "future"):
        return reading
    return closest(candidates, anchor, tense_of())


def num_str(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def duration_value(code: str, n: float | None) -> str:
    if code == "DE":
        return "PXDE" if n is None else f"P{num_str(n * 10)}Y"
    if code == "CE":
        return "PXCE" if n is None else f"P{num_str(n * 100)}Y"
    q = "X" if n is None else num_str(n)
    if code in ("H", "MIN", "S"):
        if n is not None and not float(n).is_integer() and code == "H":
            return f"PT{num_str(n * 60)}M"
        return f"PT{q}{'M' if code == 'MIN' else code}"
    if n is not None and not float(n).is_integer() and code in ("D",):
        return f"PT{num_str(n * 24)}H"
    return f"P{q}{code}"


def weekday_date(anchor: dt.date, wd: int, direction: str) -> dt.date:
    """The weekday ``wd`` (1 = Monday) nearest the anchor: "past" on/before, "future" on/after,
    "last" strictly before, "next" strictly after."""
    diff = wd - anchor.isoweekday()
    if direction == "past":
        return anchor + dt.timedelta(days=diff if diff <= 0 else diff - 7)
    if direction == "future":
        return anchor + dt.timedelta(days=diff if diff >= 0 else diff + 7)
    if direction == "last":
        return anchor + dt.timedelta(days=diff if diff < 0 else diff - 7)
    return anchor + dt.timedelta(days=diff if diff > 0 else diff + 7)


def safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def holiday_date(rule: str, year: int) -> dt.date | None:
    """The day a holiday rule names in ``year``: "12-25", "easter-2" (Good Friday),
    "11/4thu" (the fourth Thursday of November), "05/lastmon"."""
    if rule.startswith("easter"):
        from dateutil.easter import easter  # dateparser's own dependency

        return easter(year) + dt.timedelta(days=int(rule[6:]))
    if "/" in rule:
        month, nth = int(rule[:2]), rule[3:-3]
        wd = _WEEKDAYS.index(rule[-3:])
        if nth == "last":
            last = dt.date(year, month, calendar.monthrange(year, month)[1])
            return last - dt.timedelta(days=(last.weekday() - wd) % 7)
        first = dt.date(year, month, 1)
        day = first + dt.timedelta(days=(wd - first.weekday()) % 7 + 7 * (int(nth) - 1))
        return day if day.month == month else None
    return safe_date(year, int(rule[:2]), int(rule[3:5]))
