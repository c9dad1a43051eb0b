"""The event: its fields, their order on disk, its schema, its dates and its id.

An event is a plain dict as it stands in its YAML file. Keeping it a dict (not a
class) means an editor's file round-trips exactly: no field is dropped or
reordered that the builder does not know about.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).parent / "schema" / "event.schema.json"

# The order fields are written in: judgement first, evidence last.
FIELD_ORDER = ("id", "title", "date", "end", "kind", "status", "planned", "confidence", "summary",
               "actors", "places", "tags", "related", "merged", "review", "disagreements", "sources")
SOURCE_FIELD_ORDER = ("source", "quote", "date_text", "resolved", "caption")

# Fields the editor owns once they differ from what the builder last wrote.
EDITABLE_FIELDS = ("title", "date", "end", "kind", "status", "planned", "confidence", "summary",
                   "actors", "places", "tags", "related", "review", "disagreements")

STATUSES = ("auto", "reviewed", "rejected")
ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    return jsonschema.Draft202012Validator(schema())


def schema_errors(event: dict) -> list[tuple[tuple, str]]:
    """(path inside the event, message) for each way ``event`` breaks the schema."""
    errors = []
    for err in sorted(_validator().iter_errors(event), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(err.absolute_path)
        where = ".".join(map(str, path)) or "event"
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            known = set(err.schema.get("properties", {}))
            for extra in sorted(set(err.instance) - known, key=str):
                errors.append((path + (extra,), f"unknown field {extra!r} in {where}"))
            continue
        errors.append((path, f"{where}: {err.message}"))
    return errors


def order_event(event: dict) -> dict:
    """The event with its keys in FIELD_ORDER (unknown keys after, as found)."""
    out = {k: event[k] for k in FIELD_ORDER if k in event}
    out.update((k, v) for k, v in event.items() if k not in out)
    if isinstance(out.get("sources"), list):
        out["sources"] = [order_source(s) if isinstance(s, dict) else s for s in out["sources"]]
    return out


def order_source(item: dict) -> dict:
    out = {k: item[k] for k in SOURCE_FIELD_ORDER if k in item}
    out.update((k, v) for k, v in item.items() if k not in out)
    return out


# --- dates -----------------------------------------------------------------

def parse_iso(value: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of an ISO date at any precision, or None when it is not
    one or is not a real calendar date."""
    m = ISO_DATE.match(str(value or ""))
    if not m:
        return None
    y, mo, d = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    if mo is not None and not 1 <= mo <= 12:
        return None
    if d is not None and not 1 <= d <= calendar.monthrange(y, mo)[1]:
        return None
    return y, mo, d


def precision(value: str) -> str:
    parts = parse_iso(value)
    if not parts:
        return "unknown"
    return "day" if parts[2] else "month" if parts[1] else "year"


def first_day(value: str) -> dt.date | None:
    parts = parse_iso(value)
    return dt.date(parts[0], parts[1] or 1, parts[2] or 1) if parts else None


def last_day(value: str) -> dt.date | None:
    parts = parse_iso(value)
    if not parts:
        return None
    y, mo, d = parts
    if d:
        return dt.date(y, mo, d)
    if mo:
        return dt.date(y, mo, calendar.monthrange(y, mo)[1])
    return dt.date(y, 12, 31)


def sort_key(event: dict) -> tuple:
    """Chronological, coarser dates before finer ones within their span, then id."""
    start = first_day(event.get("date", "")) or dt.date.min
    return (start, len(str(event.get("date", ""))), str(event.get("id", "")))


# --- ids -------------------------------------------------------------------

_STOP = {"a", "an", "the", "of", "on", "in", "at", "to", "for", "and", "with", "by", "from", "as", "is", "are"}


def slugify(text: str, words: int = 7) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    tokens = [t for t in re.split(r"[^a-z0-9]+", text) if t]
    kept = [t for t in tokens if t not in _STOP] or tokens
    return "-".join(kept[:words]) or "event"


def make_id(date: str, title: str, taken: set[str] | frozenset = frozenset()) -> str:
    base = f"{date}-{slugify(title)}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def event_relpath(event_id: str) -> Path:
    """Where an event lives inside timeline/: YYYY/<id>.yaml."""
    return Path(event_id[:4]) / f"{event_id}.yaml"
