"""Stage 3b: the anchor date that relative expressions ("on Monday", "last
week") are resolved against.

The publication date when the article's metadata or text gives it; otherwise
inferred from the text's own constraints: the article was written after the
latest date it states as past, and soon enough after it that every past
weekday it names ("Tuesday's call", "last Friday") still falls on or after
that date. The inference is recorded, and events that depend on it are marked
for review.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(last\s+)?(" + "|".join(WEEKDAYS) + r")\b", re.I)
_FUTURE = re.compile(r"\b(?:will|next|is due|are due|is expected|are expected|plans? to|scheduled|upcoming|starting|set to)\b", re.I)
MAX_GAP_DAYS = 13
_DIGIT = re.compile(r"\d")


def _may_date(text: str) -> bool:
    """Can ``text`` hold what the inference reads: a date written in full (its year
    has digits) or a weekday (every weekday's name ends in "day")?"""
    return _DIGIT.search(text) is not None or "day" in text.lower()


@dataclass(frozen=True)
class Anchor:
    date: dt.date | None
    how: str        # stated | detected | inferred | none
    reason: str


def from_published(value: str | None, how: str) -> Anchor | None:
    if not value:
        return None
    try:
        return Anchor(dt.date.fromisoformat(str(value)[:10]), how, f"publication date ({how})")
    except ValueError:
        return None


def infer(blocks, tag) -> Anchor:
    """Infer the anchor from the story's own dates (see the module's doc)."""
    latest: dt.date | None = None
    latest_text = ""
    weekdays: list[tuple[int, bool]] = []  # (weekday, strictly before: "last Friday")
    for block in blocks:
        if block.kind in ("headline", "aside") or not _may_date(block.text):
            continue
        for timex in _safe_tag(tag, block.text):
            if timex.type not in ("DATE", "TIME"):
                continue
            context = block.text[max(0, timex.start - 40):timex.end + 10]
            if _FUTURE.search(context):
                continue
            value = timex.value.split("T")[0]
            m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
            if m and not timex.relative:
                try:
                    day = dt.date(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    continue
                if latest is None or day > latest:
                    latest, latest_text = day, timex.text
                continue
            w = _WEEKDAY.search(timex.text)
            if w and timex.relative:
                weekdays.append((WEEKDAYS.index(w.group(2).lower()), bool(w.group(1))))
    if latest is None:
        return Anchor(None, "none", "no publication date and no full date in the text")
    for gap in range(0, MAX_GAP_DAYS + 1):
        day = latest + dt.timedelta(days=gap)
        if all(_last(day, wd, strict) >= latest for wd, strict in weekdays):
            names = ", ".join(sorted({WEEKDAYS[w].capitalize() for w, _ in weekdays}))
            why = f"inferred: after the latest date in the text ({latest_text!r})"
            if names:
                why += f" and the weekdays it names ({names})"
            return Anchor(day, "inferred", why)
    return Anchor(latest, "inferred", f"inferred: the latest date in the text ({latest_text!r})")


def _last(day: dt.date, weekday: int, strict: bool) -> dt.date:
    """The most recent ``weekday`` on or before ``day`` (before it when strict)."""
    back = (day.weekday() - weekday) % 7
    if strict and back == 0:
        back = 7
    return day - dt.timedelta(days=back)


def _safe_tag(tag, text):
    try:
        return tag(text, None)
    except Exception:
        return []
