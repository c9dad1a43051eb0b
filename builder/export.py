"""Exports of the timeline. ``events.json`` is the contract other tools read
(see ../shared/eval/README.md): a list of events with start, end, title,
summary, actors, places, tags and sources (source id + quote).
"""
from __future__ import annotations

import json
from pathlib import Path

from .timeline import Timeline, load_timeline


def event_record(event: dict, timeline: Timeline) -> dict:
    """One event as the export contract has it (names resolved through the registries)."""
    sources = []
    for item in event.get("sources") or []:
        if not isinstance(item, dict):
            continue
        meta = timeline.sources.get(str(item.get("source")), {})
        record = {"source": str(item.get("source", "")), "quote": str(item.get("quote", ""))}
        for key in ("date_text", "resolved"):
            if item.get(key):
                record[key] = item[key]
        for key in ("title", "publisher", "url", "published"):
            if meta.get(key):
                record[key] = meta[key]
        sources.append(record)
    record = {
        "id": event["id"],
        "start": str(event.get("date", "")),
        "title": event.get("title", ""),
        "summary": event.get("summary", ""),
        "kind": event.get("kind", ""),
        "status": event.get("status", "auto"),
        "actors": [timeline.actors.name(a) for a in event.get("actors") or []],
        "places": [timeline.places.name(p) for p in event.get("places") or []],
        "tags": list(event.get("tags") or []),
        "url": f"events/{event['id']}/",
        "sources": sources,
    }
    if event.get("end"):
        record["end"] = str(event["end"])
    for key in ("confidence", "planned"):
        if key in event:
            record[key] = event[key]
    return record


def events_json(timeline: Timeline, events: list[dict] | None = None) -> str:
    events = timeline.published() if events is None else events
    data = {"events": [event_record(e, timeline) for e in events]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


FORMATS = {"json": events_json}


def export(root: Path, fmt: str, sources: Path | None = None) -> str:
    """The timeline at ``root`` in format ``fmt`` as text."""
    timeline = load_timeline(root)
    for problem in timeline.problems:
        import sys

        print(f"warning: {problem} (left out of the export)", file=sys.stderr)
    try:
        writer = FORMATS[fmt]
    except KeyError:
        raise RuntimeError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return writer(timeline)
