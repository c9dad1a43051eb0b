"""Exports of the timeline. ``events.json`` is the contract other tools read
(see ../shared/eval/README.md): a list of events with start, end, title,
summary, actors, places, tags and sources (source id + quote).

The other formats let people use the data elsewhere: TimelineJS3 JSON,
iCalendar (RFC 5545, written by the ``icalendar`` library), an Atom feed of the
latest events and CSV. Every writer is a function of the loaded timeline and
gives the same bytes for the same input.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from . import model

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
        # The article's own headline stays in sources.yaml: an event's record
        # speaks of the event, and a headline would make every event citing the
        # article seem to name that article's main story.
        for key in ("publisher", "url", "published"):
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
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def events_by_year(timeline: Timeline) -> dict[int, str]:
    """``events-YYYY.json``: the same events, one file per year, for embeds of a date
    window. An event spanning years is in each of them. Its sources keep what the
    widget shows (publisher, title, link) but not their quotes, which stay in
    events.json: the yearly files are half the size."""
    years: dict[int, list[dict]] = {}
    for event in timeline.published():
        first, last = model.parse_iso(event.get("date", "")), model.parse_iso(event.get("end") or "")
        if not first:
            continue
        for year in range(first[0], max(first[0], last[0] if last else first[0]) + 1):
            years.setdefault(year, []).append(event)
    out = {}
    for year, events in sorted(years.items()):
        records = [event_record(e, timeline) for e in events]
        for record in records:
            record["sources"] = [{k: v for k, v in s.items() if k not in _QUOTE_FIELDS} for s in record["sources"]]
        out[year] = json.dumps({"events": records}, ensure_ascii=False, separators=(",", ":")) + "\n"
    return out


_QUOTE_FIELDS = frozenset({"quote", "date_text", "resolved"})


def _datable(timeline: Timeline) -> list[dict]:
    return [e for e in timeline.published() if model.parse_iso(e.get("date", ""))]


def _absolute(base_url: str, target: str) -> str:
    return (base_url.rstrip("/") + "/" + target) if base_url else target


def _summary_html(event: dict, timeline: Timeline, base_url: str) -> str:
    from .render import render_summary

    def link_for(kind, ident):
        if kind == "event" and ident in timeline.events and timeline.events[ident].get("status") != "rejected":
            return _absolute(base_url, f"events/{ident}/")
        return None

    return render_summary(event.get("summary", ""), link_for)


def _date_parts(value: str) -> dict:
    y, m, d = model.parse_iso(value)
    parts = {"year": y}
    if m:
        parts["month"] = m
    if d:
        parts["day"] = d
    return parts


def timelinejs(timeline: Timeline, base_url: str = "", title: str = "Timeline") -> str:
    """TimelineJS3 JSON (https://timeline.knightlab.com/docs/json-format.html). Its text
    fields are HTML, so titles are escaped and summaries go through the safe renderer."""
    from .render import format_span

    events = []
    for event in _datable(timeline):
        text = _summary_html(event, timeline, base_url)
        cites = [timeline.sources.get(str(s.get("source")), {}).get("title") or str(s.get("source"))
                 for s in event.get("sources") or [] if isinstance(s, dict)]
        if cites:
            text += "<p>Sources: " + "; ".join(html.escape(c) for c in cites) + "</p>"
        url = _absolute(base_url, f"events/{event['id']}/")
        text += f'<p><a href="{html.escape(url)}">Event page</a></p>'
        item = {
            "unique_id": event["id"],
            "start_date": dict(_date_parts(event["date"]), display_date=format_span(event["date"])),
            "text": {"headline": html.escape(str(event.get("title", ""))), "text": text},
            "display_date": format_span(event["date"], event.get("end")),
        }
        if event.get("end") and model.parse_iso(event["end"]):
            item["end_date"] = _date_parts(event["end"])
        if event.get("kind"):
            item["group"] = str(event["kind"])
        events.append(item)
    data = {"title": {"text": {"headline": html.escape(title),
                               "text": f"<p>{len(events)} events, each with its sources.</p>"}},
            "events": events}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def ics(timeline: Timeline, base_url: str = "", title: str = "Timeline") -> str:
    """iCalendar: one all-day VEVENT per event over its whole span (a month-precision
    event covers the month); DTSTAMP is the event's first day so output is stable."""
    import icalendar

    from .render import format_span, plain_text

    cal = icalendar.Calendar()
    cal.add("prodid", "-//news-timeline-builder//timeline export//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    for event in _datable(timeline):
        start = model.first_day(event["date"])
        end = model.last_day(event.get("end") or event["date"]) or start
        if event.get("end") and model.parse_iso(event["end"]) is None:
            end = model.last_day(event["date"])
        end = max(end, start)
        vevent = icalendar.Event()
        vevent.add("uid", f"{event['id']}@news-timeline-builder")
        vevent.add("dtstamp", dt.datetime.combine(start, dt.time(0, 0), tzinfo=dt.timezone.utc))
        vevent.add("dtstart", start)
        vevent.add("dtend", end + dt.timedelta(days=1))
        vevent.add("summary", str(event.get("title", "")))
        lines = [f"When: {format_span(event['date'], event.get('end'))} ({model.precision(event['date'])} precision)"]
        if event.get("summary"):
            lines.append(plain_text(event["summary"]))
        cites = [timeline.sources.get(str(s.get("source")), {}).get("title") or str(s.get("source"))
                 for s in event.get("sources") or [] if isinstance(s, dict)]
        if cites:
            lines.append("Sources: " + "; ".join(cites))
        vevent.add("description", "\n\n".join(lines))
        if base_url:
            vevent.add("url", _absolute(base_url, f"events/{event['id']}/"))
        places = [timeline.places.name(p) for p in event.get("places") or []]
        if places:
            vevent.add("location", ", ".join(places))
        if event.get("tags"):
            vevent.add("categories", [str(t) for t in event["tags"]])
        vevent.add("status", "TENTATIVE" if event.get("planned") else "CONFIRMED")
        vevent.add("transp", "TRANSPARENT")
        cal.add_component(vevent)
    return cal.to_ical().decode("utf-8")


ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50


def _stamp(day: dt.date | None) -> str:
    return f"{(day or dt.date(1970, 1, 1)).isoformat()}T00:00:00Z"


def atom(timeline: Timeline, base_url: str = "", title: str = "Timeline", size: int = FEED_SIZE) -> str:
    """An Atom feed (RFC 4287) of the latest events by date. Ids are stable URNs made
    from the event ids, so readers do not see an event twice when the site moves."""
    ET.register_namespace("", ATOM)
    latest = sorted(_datable(timeline), key=model.sort_key, reverse=True)[:size]
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    sub(feed, "id", uuid.uuid5(uuid.NAMESPACE_URL, "news-timeline-builder:feed:" + title).urn)
    sub(feed, "title", title)
    sub(feed, "updated", _stamp(max((model.first_day(e["date"]) for e in latest), default=None)))
    sub(feed, "link", rel="self", href=_absolute(base_url, "feed.xml"), type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=_absolute(base_url, "") or "./", type="text/html")
    author = sub(feed, "author")
    sub(author, "name", f"{title} editors")
    sub(feed, "generator", "news-timeline-builder")
    from .render import format_span

    for event in latest:
        entry = sub(feed, "entry")
        sub(entry, "id", uuid.uuid5(uuid.NAMESPACE_URL, "news-timeline-builder:event:" + event["id"]).urn)
        sub(entry, "title", f"{format_span(event['date'], event.get('end'))}: {event.get('title', '')}")
        sub(entry, "updated", _stamp(model.first_day(event["date"])))
        sub(entry, "link", rel="alternate", href=_absolute(base_url, f"events/{event['id']}/"), type="text/html")
        for tag in event.get("tags") or []:
            sub(entry, "category", term=str(tag))
        sub(entry, "content", _summary_html(event, timeline, base_url) or html.escape(str(event.get("title", ""))),
            type="html")
    ET.indent(feed, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


CSV_FIELDS = ("id", "start", "end", "title", "kind", "status", "confidence", "planned", "actors", "places",
              "tags", "summary", "url", "sources")


def _cell(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; such text gets a
    leading apostrophe (OWASP's advice for CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_export(timeline: Timeline, base_url: str = "", title: str = "") -> str:
    """CSV, one row per event; lists joined by '; '; sources as 'id: quote' lines."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for event in _datable(timeline):
        record = event_record(event, timeline)
        row = dict(record, end=record.get("end", ""), url=_absolute(base_url, record["url"]),
                   confidence=record.get("confidence", ""), planned=record.get("planned", ""))
        for key in ("actors", "places", "tags"):
            row[key] = "; ".join(record[key])
        row["sources"] = "\n".join(f"{s['source']}: {s['quote']}" for s in record["sources"])
        writer.writerow([_cell(row.get(k, "")) if k not in ("start", "end") else row.get(k, "") for k in CSV_FIELDS])
    return out.getvalue()


def _json(timeline: Timeline, base_url: str = "", title: str = "") -> str:
    return events_json(timeline)


FORMATS = {"json": _json, "timelinejs": timelinejs, "ics": ics, "atom": atom, "csv": csv_export}


def site_settings(root: Path) -> tuple[str, str]:
    """(site_url, site_name) from the mkdocs.yml beside the timeline folder, if any,
    so that the command-line exports carry the same links as the published ones."""
    for folder in (Path(root).resolve().parent, Path.cwd()):
        config = folder / "mkdocs.yml"
        if config.exists():
            text = config.read_text(encoding="utf-8", errors="replace")
            url = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", text, re.M)
            name = re.search(r"^site_name:\s*['\"]?([^'\"#\n]+?)['\"]?\s*$", text, re.M)
            return (url.group(1) if url else "", name.group(1).strip() if name else "Timeline")
    return "", "Timeline"


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
    base_url, title = site_settings(root)
    return writer(timeline, base_url=base_url, title=title)
