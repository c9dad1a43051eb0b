"""Exports, each read back by an independent parser: json, csv, feedparser
(Atom), icalendar (plus a line-by-line RFC 5545 check) and the TimelineJS3
structure."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import feedparser
import icalendar
import pytest

from builder import export
from builder.cli import main
from builder.timeline import load_timeline

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "site" / "timeline"
HOSTILE = "2025-05-20-hostile-title-script-tags"
PUBLISHED = 8  # the fixture's events, less the rejected one


@pytest.fixture(scope="module")
def timeline():
    return load_timeline(FIXTURE)


def test_events_json_is_the_contract_and_stable(timeline):
    text = export.events_json(timeline)
    assert text == export.events_json(load_timeline(FIXTURE))
    events = json.loads(text)["events"]
    assert len(events) == PUBLISHED
    call = next(e for e in events if e["id"] == "2025-05-19-trump-putin-two-hour-phone-call")
    assert call["start"] == "2025-05-19" and call["actors"] == ["Donald Trump", "Vladimir Putin"]
    assert call["sources"][0]["source"] == "global-times-putin-trump-hold-phone-talks" and call["sources"][0]["quote"]
    assert call["url"] == "events/2025-05-19-trump-putin-two-hour-phone-call/"
    truce = next(e for e in events if e["id"] == "2025-05-08-victory-day-truce")
    assert truce["end"] == "2025-05-10"


def test_csv_reads_back_one_row_per_event_and_defuses_formulas(timeline, tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "timeline")
    event = tmp_path / "timeline" / "2025" / "2025-us-russia-thaw.yaml"
    event.write_text(event.read_text().replace("title: Washington", "title: =HYPERLINK(\"x\") Washington"))
    rows = list(csv.DictReader(io.StringIO(export.csv_export(load_timeline(tmp_path / "timeline")))))
    assert len(rows) == PUBLISHED
    assert [r["id"] for r in rows] == [e["id"] for e in timeline.published()]
    thaw = next(r for r in rows if r["id"] == "2025-us-russia-thaw")
    assert thaw["title"].startswith("'=HYPERLINK")
    hostile = next(r for r in rows if r["id"] == HOSTILE)
    assert "</script>" in hostile["title"] and "Mystery Envoy; Vladimir Putin" == hostile["actors"]


def test_atom_feed_parses_without_errors_and_lists_latest_events(timeline):
    text = export.atom(timeline, base_url="https://example.org/timeline/", title="Test timeline")
    feed = feedparser.parse(text)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Test timeline"
    assert len(feed.entries) == PUBLISHED
    first = feed.entries[0]
    assert first.link == f"https://example.org/timeline/events/{HOSTILE}/"
    assert "</script>" in first.title  # text, not markup
    assert "<script" not in first.summary  # feedparser sanitises, but there must be nothing to remove
    assert "&lt;script&gt;" in text
    assert len({e.id for e in feed.entries}) == PUBLISHED
    assert text == export.atom(load_timeline(FIXTURE), base_url="https://example.org/timeline/", title="Test timeline")


def test_icalendar_round_trips_and_follows_rfc5545_lines(timeline):
    text = export.ics(timeline, base_url="https://example.org/t/", title="Test")
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n")
    for line in raw.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line  # folded at 75 octets
        assert b"\n" not in line and b"\r" not in line
    cal = icalendar.Calendar.from_ical(text)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert len(events) == PUBLISHED
    truce = events["2025-05-08-victory-day-truce@news-timeline-builder"]
    assert str(truce.decoded("dtstart")) == "2025-05-08" and str(truce.decoded("dtend")) == "2025-05-11"
    month = events["2025-04-us-ukraine-minerals-deal-talks@news-timeline-builder"]
    assert str(month.decoded("dtstart")) == "2025-04-01" and str(month.decoded("dtend")) == "2025-05-01"
    assert str(month["status"]) == "TENTATIVE"  # planned when reported
    for event in events.values():
        assert "dtstamp" in event and "summary" in event
    assert str(events[f"{HOSTILE}@news-timeline-builder"]["url"]) == f"https://example.org/t/events/{HOSTILE}/"


def test_timelinejs_has_the_structure_timelinejs3_reads(timeline):
    data = json.loads(export.timelinejs(timeline, title="T"))
    assert data["title"]["text"]["headline"] == "T"
    assert len(data["events"]) == PUBLISHED
    for item in data["events"]:
        assert isinstance(item["start_date"]["year"], int)
        assert set(item["text"]) == {"headline", "text"}
        assert item["unique_id"]
    hostile = next(e for e in data["events"] if e["unique_id"] == HOSTILE)
    assert "<script" not in hostile["text"]["headline"] + hostile["text"]["text"]
    assert "&lt;/script&gt;" in hostile["text"]["headline"]
    truce = next(e for e in data["events"] if e["unique_id"] == "2025-05-08-victory-day-truce")
    assert truce["end_date"] == {"year": 2025, "month": 5, "day": 10}
    year_only = next(e for e in data["events"] if e["unique_id"] == "2025-us-russia-thaw")
    assert year_only["start_date"]["year"] == 2025 and "month" not in year_only["start_date"]


@pytest.mark.parametrize("fmt, check", [
    ("json", lambda t: json.loads(t)["events"]),
    ("csv", lambda t: list(csv.reader(io.StringIO(t)))[1:]),
    ("ics", lambda t: icalendar.Calendar.from_ical(t).walk("VEVENT")),
    ("atom", lambda t: feedparser.parse(t).entries),
    ("timelinejs", lambda t: json.loads(t)["events"]),
])
def test_command_line_export_writes_each_format(fmt, check, tmp_path):
    out = tmp_path / f"out.{fmt}"
    assert main(["export", "--timeline", str(FIXTURE), "--format", fmt, "-o", str(out)]) == 0
    assert len(check(out.read_text(encoding="utf-8"))) == PUBLISHED


def test_events_json_by_year_splits_the_contract_without_quotes(timeline):
    years = export.events_by_year(timeline)
    assert list(years) == [2025]
    full = json.loads(export.events_json(timeline))["events"]
    yearly = json.loads(years[2025])["events"]
    assert [e["id"] for e in yearly] == [e["id"] for e in full]
    for small, big in zip(yearly, full):
        assert {k: v for k, v in small.items() if k != "sources"} == {k: v for k, v in big.items() if k != "sources"}
        assert [s["source"] for s in small["sources"]] == [s["source"] for s in big["sources"]]
        assert not any("quote" in s for s in small["sources"])


def test_an_event_spanning_new_year_is_in_both_yearly_files(tmp_path):
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "2024-12-30-truce.yaml").write_text(
        "id: 2024-12-30-truce\ntitle: Holiday truce\ndate: '2024-12-30'\nend: '2025-01-02'\nstatus: auto\n"
        "sources: [{source: a, quote: q}]\n", encoding="utf-8")
    from builder.timeline import load_timeline
    years = export.events_by_year(load_timeline(tmp_path))
    assert sorted(years) == [2024, 2025]
    assert all("2024-12-30-truce" in text for text in years.values())
