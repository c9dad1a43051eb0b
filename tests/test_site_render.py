"""Pieces of the site that need no build: dates at their precision, safe
summaries, relative links, threads."""
from __future__ import annotations

import pytest

from builder.render import format_span, ordinal, relative_url, render_summary, plain_text, Mentions, json_ld
from builder.threads import find_threads
from builder.timeline import Registry


@pytest.mark.parametrize("start, end, shown", [
    ("2025-05-16", None, "16 May 2025"),
    ("2025-03", None, "March 2025"),
    ("2025", None, "2025"),
    ("2025-05-08", "2025-05-10", "8–10 May 2025"),
    ("2025-04-28", "2025-05-02", "28 April – 2 May 2025"),
    ("2024-12-30", "2025-01-02", "30 December 2024 – 2 January 2025"),
    ("2025-03", "2025-05", "March – May 2025"),
    ("2025-05", "2025-05-20", "May 2025 – 20 May 2025"),
    ("2025-05-16", "2025-05-16", "16 May 2025"),
    ("2025-02-30", None, "2025-02-30"),  # not a calendar date: shown as written
])
def test_dates_are_written_at_their_precision(start, end, shown):
    assert format_span(start, end) == shown


@pytest.mark.parametrize("n, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                     (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")])
def test_thread_positions_read_as_ordinals(n, text):
    assert ordinal(n) == text


@pytest.mark.parametrize("target, base, rel", [
    ("events/x/", "", "events/x/"),
    ("events/x/", "events/y/", "../x/"),
    ("actors/putin/", "events/y/", "../../actors/putin/"),
    ("", "events/y/", "../../"),
    ("events.json", "", "events.json"),
    ("feed.xml", "data/", "../feed.xml"),
    ("https://example.org/a", "events/y/", "https://example.org/a"),
    ("2025/05/", "2025/", "05/"),
])
def test_links_between_pages_are_relative(target, base, rel):
    assert relative_url(target, base) == rel


def no_links(kind, ident):
    return None


@pytest.mark.parametrize("text", [
    "[x](javascript:alert(1))", "[x](JavaScript:alert(1))", "[x]( javascript:alert(1))", "[x](data:text/html,hi)",
    "[x](vbscript:msgbox)", "[x](file:///etc/passwd)", "[x](//evil.example/)", "<javascript:alert(1)>",
])
def test_summary_links_other_than_http_relative_or_mailto_are_dropped(text):
    html = render_summary(text, no_links)
    assert "<a" not in html


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                  "<a href='javascript:x'>y</a>"])
def test_summary_raw_html_shows_as_text(text):
    html = render_summary(text, no_links)
    assert "<script" not in html and "<img" not in html and "<a " not in html and "&lt;" in html


def test_summary_images_become_plain_links_never_pictures():
    html = render_summary("![pic](https://tracker.example/p.gif)", no_links)
    assert "<img" not in html and 'href="https://tracker.example/p.gif"' in html


def test_summary_keeps_safe_links_and_marks_external_ones_nofollow():
    html = render_summary("[a](https://example.org/x) [b](mailto:desk@example.org) [c](../../data/)", no_links)
    assert '<a href="https://example.org/x" rel="nofollow noopener">a</a>' in html
    assert '<a href="mailto:desk@example.org">b</a>' in html
    assert '<a href="../../data/">c</a>' in html


def test_summary_links_event_ids_and_first_mentions_of_known_names():
    pages = {("event", "2025-05-16-istanbul-talks"): "../2025-05-16-istanbul-talks/",
             ("actor", "putin"): "../../actors/putin/"}
    found = set()
    html = render_summary("After [the talks](2025-05-16-istanbul-talks), Putin spoke. Putin again. Putinism.",
                          lambda kind, ident: pages.get((kind, ident)),
                          Mentions({"Putin": ("actor", "putin")}), found)
    assert '<a href="../2025-05-16-istanbul-talks/" class="tl-xref tl-xref-event">the talks</a>' in html
    assert html.count('href="../../actors/putin/"') == 1  # the first mention only
    assert "Putinism" in html
    assert found == {("event", "2025-05-16-istanbul-talks"), ("actor", "putin")}


def test_plain_text_keeps_words_of_wrapped_lines():
    assert plain_text("one\ntwo **three**") == "one two three"


def test_json_ld_escapes_anything_that_could_end_the_script():
    assert "<" not in json_ld({"name": "</script><!--"}) and "&" not in json_ld({"a": "&amp;"})


def test_calls_between_the_same_two_people_form_a_numbered_thread():
    actors = Registry({"trump": {"name": "Donald Trump", "kind": "person", "aliases": ["Trump"]},
                       "putin": {"name": "Vladimir Putin", "kind": "person"},
                       "russia": {"name": "Russia", "kind": "government"}})
    events = [
        {"id": "2025-02-12-a", "date": "2025-02-12", "kind": "call", "actors": ["trump", "putin", "russia"]},
        {"id": "2025-03-18-b", "date": "2025-03-18", "kind": "call", "actors": ["Vladimir Putin", "Trump"]},
        {"id": "2025-04-01-c", "date": "2025-04-01", "kind": "meeting", "actors": ["trump", "putin"]},
        {"id": "2025-05-19-d", "date": "2025-05-19", "kind": "call", "actors": ["trump", "putin"]},
        {"id": "2025-05-20-e", "date": "2025-05-20", "kind": "call", "actors": ["trump"]},
    ]
    (thread,) = find_threads(events, actors)
    assert thread.title == "Trump–Putin calls"
    assert [e["id"] for e in thread.events] == ["2025-02-12-a", "2025-03-18-b", "2025-05-19-d"]
    assert thread.position("2025-05-19-d") == 3
