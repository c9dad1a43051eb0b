"""From a matched time expression to its TIMEX3 value: the calendar arithmetic.

Each resolver takes the named groups of a rule's match (``g``, short names) and
a `Ctx` (the text, the anchor, the tense of the clause, the reference day) and
returns a `Value`, or None to reject the match. Which words mean what comes from
the knowledge (builder/data/timex.yaml); this module only counts days.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, NamedTuple

from .timex_calendar import (UNKNOWN, closest, closest_in_tense, duration_value, fmt, holiday_date, safe_date,
                             shift, weekday_date)


class Value(NamedTuple):
    """A resolved TIMEX3 value. (A named tuple, not a frozen dataclass: made for every
    match, and a frozen dataclass sets each field through object.__setattr__, twice the cost.)"""
    value: str
    type: str | None = None          # overrides the rule's type when set
    end_value: str | None = None
    mod: str | None = None
    relative: bool = False
    future: bool = False


@dataclass(slots=True)
class Ctx:
    """What a resolver may ask about its match. Made for every match, so built from
    positional values and bound methods: no closures."""
    k: object                        # the Knowledge
    text: str
    start: int
    end: int
    anchor: dt.date | None
    tense_of: Callable[[int, int], str | None]  # the tense of the clause around a span (_Scan.tense)
    latest_day: dt.date | None = None   # the last full date mentioned before (anaphoric rules only)
    latest_value: str | None = None     # the last date value mentioned before
    day_after: Callable[[], dt.date | None] | None = None  # a full date right after ("16:15 UTC, June 1st")

    def tense(self) -> str | None:
        """"future", "past" or None, computed on demand (most resolvers never ask)."""
        return self.tense_of(self.start, self.end)

    def ref_day(self) -> dt.date | None:
        return self.latest_day

    def ref_value(self) -> str | None:
        return self.latest_value

    def next_day(self) -> dt.date | None:
        return None if self.day_after is None else self.day_after()


_INT = re.compile(r"\d+")
_OF_NOT_YEAR = re.compile(r"\s+of\s+(?!\d)", re.IGNORECASE)
_OF_SHIFTED_YEAR = re.compile(r"\s+(?:of\s+)?(?:this|last|next)\s+year", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DASH_SPACE = re.compile(r"[-\s]+")
_SEASON_CUE = re.compile(r"\b(?:in|this|last|next|during|since|until|by|of|early|late)\s+$", re.IGNORECASE)


@lru_cache(maxsize=8192)
def norm(s: str | None) -> str:
    return " ".join((s or "").replace("’", "'").lower().split())


# ----------------------------------------------------------------- reading the words

def number(k, word: str | None) -> float | None:
    """A count: digits, number words ("twenty-five"), or None for vague counts ("several")."""
    w = norm(word).replace(",", "")
    if not w:
        return 1
    if _NUMBER.fullmatch(w):
        return float(w)
    if w in k.number_words:
        return k.number_words[w]
    parts = _DASH_SPACE.split(w)
    if len(parts) == 2 and all(p in k.number_words for p in parts):
        return k.number_words[parts[0]] + k.number_words[parts[1]]
    return None


def mod_of(k, word: str | None) -> str | None:
    return k.mods.get(norm(word)) if word else None


def month_num(k, g) -> int | None:
    if g.get("month_num"):
        return int(g["month_num"])
    return k.months.get(norm(g.get("month")).rstrip("."))


def day_num(s: str) -> int:
    return int(_INT.match(s).group())


# ----------------------------------------------------------------- resolvers

def r_date(g, c: Ctx) -> Value | None:
    m = month_num(c.k, g)
    if not m:
        return None
    d = day_num(g["day"])
    m2 = month_num(c.k, {"month": g.get("month2")}) if g.get("month2") else m
    d2 = day_num(g["day2"]) if g.get("day2") else None
    if g.get("year"):
        y = int(g["year"])
        start = safe_date(y, m, d)
        if start is None:
            return None
        end = safe_date(y, m2, d2) if d2 else None
        if d2 and (end is None or end <= start):
            return None
        return Value(start.isoformat(), end_value=end.isoformat() if end else None)
    if safe_date(2000, m, d) is None or (d2 and safe_date(2000, m2, d2) is None):
        return None
    if c.anchor is None:
        return Value(f"XXXX-{m:02d}-{d:02d}", end_value=f"XXXX-{m2:02d}-{d2:02d}" if d2 else None, relative=True)
    a = c.anchor
    cands = [x for x in (safe_date(a.year + o, m, d) for o in (-1, 0, 1)) if x]
    start = closest_in_tense(cands, a, c.tense)
    end = None
    if d2:
        end = safe_date(start.year, m2, d2)
        if end is None or end <= start:
            end = safe_date(start.year + 1, m2, d2)
        if end is None:
            return None
    return Value(start.isoformat(), end_value=end.isoformat() if end else None, relative=True,
                 future=start > a)


@lru_cache(maxsize=4096)
def _dateparser_parse(expression: str) -> dt.date | None:
    """dateparser's reading of a numeric date (US month/day order); cached on the text alone."""
    import dateparser

    try:
        parsed = dateparser.parse(expression, languages=["en"],
                                  settings={"DATE_ORDER": "MDY", "STRICT_PARSING": True,
                                            "RETURN_AS_TIMEZONE_AWARE": False})
    except Exception:  # dateparser raises assorted errors on odd input; a miss is not fatal
        return None
    return parsed.date() if parsed else None


def r_numeric_date(g, c: Ctx) -> Value | None:
    d = _dateparser_parse(g["numeric"])
    return Value(d.isoformat()) if d else None


def r_month(g, c: Ctx) -> Value | None:
    k = c.k
    m = month_num(k, g)
    if not m:
        return None
    mod = mod_of(k, g.get("mod"))
    name = g.get("month") or ""
    if not g.get("year") and not g.get("shift") and not mod:
        if name.lower() in {x.lower() for x in k.vocab["month_needs_cue"]}:
            if not k.month_cue.search(c.text, max(0, c.start - 20), c.start):
                return None
    if g.get("year"):
        return Value(f"{int(g['year']):04d}-{m:02d}", mod=mod)
    if c.anchor is None:
        return Value(f"XXXX-{m:02d}", mod=mod, relative=True)
    a = c.anchor
    sh = norm(g.get("shift"))
    if sh and _OF_SHIFTED_YEAR.match(c.text, c.end):  # "October of next year"
        y = a.year + c.k.shifts.get(sh, 0)
        return Value(f"{y:04d}-{m:02d}", mod=mod, relative=True, future=y > a.year)
    if sh in ("last", "past", "this past"):
        y = a.year if m < a.month else a.year - 1
        return Value(f"{y:04d}-{m:02d}", mod=mod, relative=True)
    if sh in ("next", "this coming"):
        y = a.year if m > a.month else a.year + 1
        return Value(f"{y:04d}-{m:02d}", mod=mod, relative=True, future=True)
    cands = [dt.date(a.year + o, m, 15) for o in (-1, 0, 1)]
    best = cands[1] if sh == "this" or a.month == m else closest_in_tense(cands, a, c.tense)
    return Value(f"{best.year:04d}-{m:02d}", mod=mod, relative=True, future=best > a and best.month != a.month)


def r_year(g, c: Ctx) -> Value | None:
    k = c.k
    if g.get("yy"):
        yy = int(g["yy"])
        y = 1900 + yy if yy > 30 else 2000 + yy
        return Value(f"{y:04d}")
    y = int(g["year"])
    mod = mod_of(k, g.get("mod"))
    if g.get("fiscal"):
        return Value(f"FY{y:04d}")
    if not mod:  # a bare number: make sure it reads as a year
        if k.year_blocked_after.match(c.text, c.end) or k.year_blocked_before.search(c.text, max(0, c.start - 12),
                                                                                        c.start):
            return None
        if y < 1800 and not k.month_cue.search(c.text, max(0, c.start - 20), c.start):
            return None
    return Value(f"{y:04d}", mod=mod)


def r_decade(g, c: Ctx) -> Value | None:
    d = g["decade"].lstrip("'’")
    value = d[:3] if len(d) == 4 else f"19{d[0]}"
    return Value(value, mod=mod_of(c.k, g.get("mod")))


def r_century(g, c: Ctx) -> Value | None:
    o = g["ord"]
    n = int(_INT.match(o).group()) if o[0].isdigit() else c.k.vocab["ordinals"].get(norm(o))
    if not n or n > 30:
        return None
    return Value(f"{n - 1:02d}", mod=mod_of(c.k, g.get("mod")))


def r_relative_day(g, c: Ctx) -> Value | None:
    off = c.k.vocab["relative_days"].get(norm(g["rel"]))
    if off is None:
        off = next((v for w, v in c.k.vocab["relative_days"].items() if norm(w) == norm(g["rel"])), 0)
    mod = mod_of(c.k, g.get("mod"))
    if c.anchor is None:
        return Value("XXXX-XX-XX", mod=mod, relative=True, future=off > 0)
    return Value((c.anchor + dt.timedelta(days=off)).isoformat(), mod=mod, relative=True, future=off > 0)


def r_next_day(g, c: Ctx) -> Value | None:
    """"the following day", "the day before": one day from the date last mentioned."""
    ref = c.ref_day() or c.anchor
    if ref is None:
        return Value("XXXX-XX-XX", relative=True)
    step = 1 if norm(g.get("dir") or g.get("dir2")) in ("following", "next", "after") else -1
    return Value((ref + dt.timedelta(days=step)).isoformat(), relative=True)


def r_the_quarter(g, c: Ctx) -> Value | None:
    """"the quarter": the quarter last mentioned, else the one the news is about (the last, in past tense)."""
    ref = c.ref_value()
    if ref and re.match(r"^\d{4}-Q\d$", ref):
        return Value(ref, relative=True)
    if c.anchor is None:
        return Value("XXXX-QX", relative=True)
    step = 0 if c.tense() == "future" else -1
    return Value(fmt(shift(c.anchor, "Q", step), "Q"), relative=True)


def _weekday_of(g, c: Ctx) -> tuple[dt.date | None, bool]:
    wd = c.k.weekdays.get(norm(g["weekday"]).rstrip("."))
    if c.anchor is None or not wd:
        return None, False
    sh = norm(g.get("shift"))
    if sh in ("last", "past"):
        return weekday_date(c.anchor, wd, "last"), False
    if sh in ("next", "coming", "this coming"):
        return weekday_date(c.anchor, wd, "next"), True
    if sh == "this":
        return weekday_date(c.anchor, wd, "future"), True
    if wd == c.anchor.isoweekday():
        return c.anchor, False  # the anchor's own weekday: the anchor in either tense (no need to ask it)
    future = c.tense() == "future"
    d = weekday_date(c.anchor, wd, "future" if future else "past")
    return d, d > c.anchor


def r_weekday(g, c: Ctx) -> Value | None:
    mod = mod_of(c.k, g.get("mod"))
    d, future = _weekday_of(g, c)
    if d is None:
        return Value("XXXX-XX-XX", mod=mod, relative=True)
    return Value(d.isoformat(), mod=mod, relative=True, future=future)


def r_day_part(g, c: Ctx) -> Value | None:
    if g.get("tonight"):
        part, day, future = "NI", c.anchor, False
    else:
        part = c.k.vocab["parts_of_day"][norm(g["part"])]
        future = False
        if g.get("weekday"):
            day, future = _weekday_of(g, c)
        elif g.get("rel"):
            off = c.k.vocab["relative_days"].get(norm(g["rel"]), 0)
            day, future = (c.anchor + dt.timedelta(days=off) if c.anchor else None), off > 0
        elif g.get("this"):
            off = -1 if norm(g["this"]) == "last" else 0
            day = c.anchor + dt.timedelta(days=off) if c.anchor else None
        else:
            day = c.ref_day() or c.anchor
    return Value(f"{day.isoformat() if day else 'XXXX-XX-XX'}T{part}", relative=True, future=future)


def r_clock(g, c: Ctx) -> Value | None:
    if g.get("named"):
        hh, mm = {"noon": (12, 0), "midday": (12, 0), "midnight": (24, 0)}[norm(g["named"])]
    else:
        h = g.get("h1") or g.get("h2") or g.get("h3")
        hh = int(h)
        mm = int(g.get("m1") or g.get("m2") or g.get("m3") or 0)
        ampm = norm(g.get("ampm")).replace(".", "").replace(" ", "")
        if ampm:
            if not 1 <= hh <= 12:
                return None
            hh = hh % 12 + (12 if ampm == "pm" else 0)
    tz = g.get("tz") or g.get("tz2") or g.get("tz3") or ""
    z = "Z" if tz.upper() in c.k.vocab["utc_zones"] else ""
    if g.get("weekday"):
        day, _ = _weekday_of(g, c)
    elif g.get("rel"):
        off = c.k.vocab["relative_days"].get(norm(g["rel"]), 0)
        day = c.anchor + dt.timedelta(days=off) if c.anchor else None
    else:
        day = c.next_day() or c.ref_day() or c.anchor
    date = day.isoformat() if day else "XXXX-XX-XX"
    return Value(f"{date}T{hh:02d}:{mm:02d}{z}", relative=True)


def r_ago(g, c: Ctx) -> Value | None:
    code = c.k.unit_codes.get(norm(g["unit"]))
    n = number(c.k, g["num"])
    mod = c.k.duration_mods.get(norm(g.get("approx"))) if g.get("approx") else None
    if code is None:
        return None
    if n is None:
        return Value("PAST_REF", mod=mod, relative=True)
    gran = {"H": "D", "MIN": "D", "S": "D", "W": "D", "DE": "Y", "CE": "Y"}.get(code, code)
    if c.anchor is None:
        return Value(UNKNOWN[gran], mod=mod, relative=True)
    return Value(fmt(shift(c.anchor, code, -n), gran), mod=mod, relative=True)


def r_later(g, c: Ctx) -> Value | None:
    code = c.k.unit_codes.get(norm(g["unit"]))
    n = number(c.k, g["num"])
    if code is None or n is None:
        return None
    gran = {"H": "D", "MIN": "D", "S": "D", "DE": "Y", "CE": "Y"}.get(code, code)
    ref = c.ref_day() or c.anchor
    if ref is None:
        return Value(UNKNOWN[gran], relative=True)
    sign = 1 if norm(g["dir"]) == "later" else -1
    return Value(fmt(shift(ref, code, sign * n), gran), relative=True)


def r_this_unit(g, c: Ctx) -> Value | None:
    k = c.k
    unit = norm(g.get("unit") or g.get("unit2"))
    code = k.unit_codes.get(unit)
    sh = norm(g.get("shift"))
    mod = mod_of(k, g.get("mod"))
    if sh in ("the past", "past") and unit in ("week", "month", "year", "decade", "century"):
        return Value(duration_value(code, 1), type="DURATION")  # "over the past year": the 12 months to now
    if sh == "the last" and unit in ("decade", "century"):
        return Value(duration_value(code, 1), type="DURATION")
    if sh in ("previous", "before", "earlier", "prior", "the past", "the last", "past"):
        n = -1
    elif sh in ("the", ""):
        n = 0
    else:
        n = k.shifts.get(sh, 0)
    if g.get("mod") == "" and c.text[c.end - 3:c.end].lower() == "end":  # "year-end"
        mod = "END"
    if unit == "day":
        day = c.ref_day() or c.anchor
        return Value(day.isoformat() if day else "XXXX-XX-XX", mod=mod or mod_of(k, g.get("mod")), relative=True)
    if norm(g.get("mod")) in ("later", "earlier"):
        mod = None
    if c.anchor is None:
        return Value(UNKNOWN[code], mod=mod, relative=True, future=n > 0)
    return Value(fmt(shift(c.anchor, code, n), code), mod=mod, relative=True, future=n > 0)


_YEAR_PREFIX = re.compile(r"^(\d{4})(-(?:\d\d|Q\d|H\d|W\d\d|SP|SU|FA|WI))?")


def r_same_period(g, c: Ctx) -> Value | None:
    """"the same period last year": the period last mentioned, a year earlier."""
    ref = c.ref_value()
    m = _YEAR_PREFIX.match(ref or "")
    if m and not (c.anchor and ref.startswith(f"{c.anchor.isoformat()}")):
        return Value(f"{int(m.group(1)) - 1:04d}{m.group(2) or ''}", relative=True)
    if c.anchor is None:
        return Value("XXXX", relative=True)
    code = {"month": "M", "quarter": "Q", "week": "W"}.get(norm(g.get("unit") or g.get("unit2")), "Y")
    return Value(fmt(shift(c.anchor, "Y", -1), code), relative=True)


def r_week_of_month(g, c: Ctx) -> Value | None:
    m = month_num(c.k, g)
    if g.get("year"):
        y = int(g["year"])
    elif c.anchor is None:
        return Value("XXXX-WXX", relative=True)
    else:
        y = closest_in_tense([dt.date(c.anchor.year + o, m, 15) for o in (-1, 0, 1)], c.anchor, c.tense).year
    o = norm(g["ord"])
    last = calendar.monthrange(y, m)[1]
    day = last - 3 if o in ("last", "final") else min(last, 4 + 7 * ({"first": 0, "second": 1, "third": 2}.get(o, 3)))
    yy, w, _ = dt.date(y, m, day).isocalendar()
    return Value(f"{yy:04d}-W{w:02d}", relative=not g.get("year"))


def r_weekend(g, c: Ctx) -> Value | None:
    if c.anchor is None:
        return Value("XXXX-WXX-WE", relative=True)
    sh = norm(g["shift"])
    a = c.anchor
    in_weekend = a.isoweekday() >= 6
    sunday_gone = a - dt.timedelta(days=a.isoweekday())  # the weekend that ended the week before
    if sh in ("last", "the past", "this past"):
        d = a - dt.timedelta(days=7) if in_weekend else sunday_gone
    elif sh == "next":
        d = a + dt.timedelta(days=7)
    elif sh in ("this", "the coming", "this coming"):
        d = a
    else:  # "the weekend", "over the weekend": by the tense of the clause
        d = a if in_weekend or c.tense() == "future" else sunday_gone
    y, w, _ = d.isocalendar()
    return Value(f"{y:04d}-W{w:02d}-WE", relative=True, future=d > a)


def _year_from(g, c: Ctx, key="year") -> tuple[int | None, bool]:
    """(year, depends on anchor) from a YEAR group or a this/last/next shift."""
    if g.get(key):
        return int(g[key]), False
    if c.anchor is None:
        return None, True
    sh = norm(g.get("shift"))
    return c.anchor.year + (c.k.shifts.get(sh, 0) if sh and sh != "the" else 0), True


def r_quarter(g, c: Ctx) -> Value | None:
    k = c.k
    if g.get("q"):
        return Value(f"{int(g['qyear']):04d}-Q{g['q'][1]}")
    o = norm(g["ord"])
    if o.startswith("q"):
        q = int(o[1])
    elif o in ("final", "last"):
        q = 4
    else:
        q = k.vocab["ordinals"].get(o) or 0
    if not 1 <= q <= 4:
        return None
    has_year = g.get("year") or g.get("shift")
    if o == "last" and not has_year:  # "the last quarter": the one before the anchor's
        if c.anchor is None:
            return Value("XXXX-QX", relative=True)
        return Value(fmt(shift(c.anchor, "Q", -1), "Q"), relative=True)
    y, rel = _year_from(g, c)
    if y is None:
        return Value(f"XXXX-Q{q}", relative=True)
    if not has_year:
        current = (c.anchor.month - 1) // 3 + 1
        tense = c.tense()
        if q > current and tense == "past":
            y -= 1
        elif q < current and tense == "future":
            y += 1
    return Value(f"{y:04d}-Q{q}", relative=rel)


def r_half(g, c: Ctx) -> Value | None:
    h = 1 if norm(g["ord"]) in ("first", "1st") else 2
    y, rel = _year_from(g, c)
    return Value(f"{'XXXX' if y is None else f'{y:04d}'}-H{h}", relative=rel)


def r_season(g, c: Ctx) -> Value | None:
    k = c.k
    word = norm(g["season"])
    code = k.vocab["seasons"][word]
    mod = mod_of(k, g.get("mod"))
    span = norm(c.text[c.start:c.end])
    if word in k.vocab["season_needs_cue"] and not g.get("year") and _OF_NOT_YEAR.match(c.text, c.end):
        return None  # "the fall of the Berlin Wall"
    if word in k.vocab["season_needs_cue"] and not (g.get("year") or g.get("shift") or mod or span.startswith("the")):
        if not _SEASON_CUE.search(c.text[max(0, c.start - 12):c.start]):
            return None
    if g.get("year"):
        return Value(f"{int(g['year']):04d}-{code}", mod=mod)
    if c.anchor is None:
        return Value(f"XXXX-{code}", mod=mod, relative=True)
    sh = norm(g.get("shift"))
    y = c.anchor.year + ({"last": -1, "the past": -1, "previous": -1, "next": 1, "the next": 1,
                          "the coming": 1, "coming": 1}.get(sh, 0))
    return Value(f"{y:04d}-{code}", mod=mod, relative=True, future=y > c.anchor.year)


def r_holiday(g, c: Ctx) -> Value | None:
    rule = c.k.holidays[norm(g["holiday"])]
    if rule[:4].isdigit():  # a day in history: "Black Monday"
        return Value(rule)
    if g.get("year"):
        d = holiday_date(rule, int(g["year"]))
        return Value(d.isoformat()) if d else None
    if c.anchor is None:
        return Value(f"XXXX-{rule[:2]}-{rule[3:5]}" if rule[2] == "-" else "XXXX-XX-XX", relative=True)
    cands = [x for x in (holiday_date(rule, c.anchor.year + o) for o in (-1, 0, 1)) if x]
    best = closest_in_tense(cands, c.anchor, c.tense)
    return Value(best.isoformat(), relative=True, future=best > c.anchor)


def r_reference_day(g, c: Ctx) -> Value | None:
    day = c.ref_day() or c.anchor
    return Value(day.isoformat() if day else "XXXX-XX-XX", mod=mod_of(c.k, g.get("mod")), relative=True)


def r_reference_value(g, c: Ctx) -> Value | None:
    """"by that time", "the entire year": the date last mentioned (at the unit's precision)."""
    ref = c.ref_value()
    unit = norm(g.get("unit"))
    if ref and unit == "year":
        return Value(ref[:4], relative=True)
    if ref and unit == "month":
        return Value(ref[:7] if len(ref) >= 7 and ref[5:7].isdigit() else ref[:4], relative=True)
    if ref:
        return Value(ref, relative=True)
    if unit and c.anchor is not None:
        return Value(fmt(c.anchor, "Y" if unit == "year" else "M"), relative=True)
    return Value("XXXX-XX-XX", relative=True)


def r_fixed(g, c: Ctx) -> Value | None:
    if g.get("recent_adj"):
        return Value("PAST_REF", relative=True)
    if g.get("current_adj"):
        return Value("PRESENT_REF", relative=True)
    key = norm(g.get("freq") or g.get("ref"))
    value = c.k.fixed.get(key)
    if value is None:
        return None
    return Value(value, relative=value.endswith("_REF"), future=value == "FUTURE_REF")


def r_set_every(g, c: Ctx) -> Value | None:
    k = c.k
    wd = g.get("weekday") or g.get("weekdays")
    if wd:
        return Value(f"XXXX-WXX-{k.weekdays[norm(wd)]}")
    code = k.unit_codes.get(norm(g["unit"]))
    if code is None:
        return None
    n = number(k, g.get("num"))
    return Value(duration_value(code, n if n else 1))


def r_duration(g, c: Ctx) -> Value | None:
    k = c.k
    unit = g.get("unit") or g.get("unit2") or g.get("unit3") or g.get("unit4")
    code = k.unit_codes.get(norm(unit))
    if code is None:
        return None
    approx = g.get("approx") or g.get("approx2")
    mod = k.duration_mods.get(norm(approx)) if approx else None
    if g.get("half"):
        n = 0.5
    elif g.get("num2"):
        n = 1.5
    elif g.get("num") is None:
        n = None  # "years", "over the years", "recent years"
    else:
        raw = norm(g["num"])
        n = number(k, raw)
        if n is not None and " and a half" in norm(c.text[c.start:c.end]):
            n += 0.5
        if raw in ("a", "an") and code in ("S", "Q"):  # "a second time", "a quarter of its dealers"
            return None
        if raw in ("a", "an", "one", "single") and norm(unit).endswith("s"):  # "a decades-long dispute"
            return None
        if raw == "single" and code not in ("D",):
            return None
        if n is not None and n > 10000:
            return None
    if code == "MIN" and n is not None and n == 0.5:
        return None
    return Value(duration_value(code, n), mod=mod)


RESOLVERS = {
    "date": r_date, "numeric_date": r_numeric_date, "month": r_month, "year": r_year, "decade": r_decade,
    "century": r_century, "relative_day": r_relative_day, "weekday": r_weekday, "day_part": r_day_part,
    "clock": r_clock, "ago": r_ago, "later": r_later, "this_unit": r_this_unit, "same_period": r_same_period,
    "weekend": r_weekend, "week_of_month": r_week_of_month, "quarter": r_quarter, "half": r_half, "season": r_season, "holiday": r_holiday,
    "reference_day": r_reference_day, "reference_value": r_reference_value, "next_day": r_next_day,
    "the_quarter": r_the_quarter, "fixed": r_fixed, "set_every": r_set_every, "duration": r_duration,
}
