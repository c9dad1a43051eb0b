"""Event detection: the knowledge file's own examples, and the distinctions an
editor cares about (background, reports, captions, plans, quoted speech)."""
import datetime as dt
import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings, strategies as st

from builder import events, timex
from builder.timeline import Registry

KB = events.knowledge()

ACTORS = Registry({
    "leader-a": {"name": "Anna Alpha", "kind": "person", "aliases": ["Alpha"]},
    "leader-b": {"name": "Boris Beta", "kind": "person", "aliases": ["Beta"]},
    "leader-c": {"name": "Clara Gamma", "kind": "person", "aliases": ["Gamma"]},
    "north": {"name": "Northland", "kind": "government", "aliases": []},
    "south": {"name": "Southland", "kind": "government", "aliases": []},
})
PLACES = Registry({"geneva": {"name": "Geneva", "aliases": []}})


@dataclass
class Block:
    text: str
    kind: str = "paragraph"
    line: int = 0


def detect(text, anchor=dt.date(2025, 5, 20), how="stated", kind="paragraph"):
    ctx = events.Context(source="article", anchor=anchor, anchor_how=how, actors=events.Gazetteer.build(ACTORS),
                         places=events.Gazetteer.build(PLACES), kb=KB)
    return events.detect([Block(text, kind)], ctx, timex.tag)


@pytest.mark.parametrize("kind,example", [(k, e) for k, spec in KB.raw["kinds"].items() for e in spec["examples"]])
def test_every_kind_recognises_its_examples(kind, example):
    assert KB.kinds[kind].pattern.search(example), f"{kind} trigger misses: {example}"


@pytest.mark.parametrize("kind,example", [(k, e) for k, spec in KB.raw["kinds"].items() for e in spec.get("not") or []])
def test_no_kind_fires_on_its_counter_examples(kind, example):
    assert not KB.kinds[kind].pattern.search(example), f"{kind} trigger wrongly fires: {example}"


def test_a_phone_call_on_monday_is_a_call_dated_the_day_before_a_tuesday_publication():
    [m] = detect("Anna Alpha held a phone conversation with Boris Beta on Monday amid efforts to end the war.")
    assert (m.kind, m.date, m.certainty) == ("call", "2025-05-19", "anchored")
    assert set(m.actors) == {"Anna Alpha", "Boris Beta"}
    assert "Alpha" in m.title and "Beta" in m.title


def test_the_date_of_a_report_is_not_the_date_of_what_it_reports():
    [m] = detect("Reuters, citing sources, reported on May 8 that Northland and Southland are exploring ways to restore gas flows.")
    assert m.kind == "report" and m.date == "2025-05-08"


def test_background_facts_are_not_events():
    assert detect("Boris Beta, who served as ambassador to Northland from 2006 to 2009, said the talks would stall.") == []


def test_a_date_inside_quoted_speech_does_not_date_the_event():
    found = detect("“I would commend Anna Alpha for all she did today on that call,” the envoy told reporters.")
    assert all(m.date != "2025-05-20" for m in found)


def test_a_photo_date_alone_makes_no_event():
    caption = "Anna Alpha in Geneva, February 17, 2025, and Boris Beta in Northland, February 18, 2025. (AP)"
    assert detect(caption, kind="caption") == []


def test_a_caption_that_shows_a_meeting_is_an_event_marked_as_caption():
    [m] = detect("Anna Alpha, right, and Boris Beta greet each other prior to their talks in Geneva, April 25, 2025.",
                 kind="caption")
    assert m.date == "2025-04-25" and m.caption and m.kind == "meeting"


def test_a_planned_event_is_kept_and_marked_planned():
    [m] = detect("Anna Alpha will hold talks with Boris Beta in Geneva on May 27.")
    assert m.planned and m.date == "2025-05-27"


def test_a_sentence_without_a_date_may_only_join_others():
    [m] = detect("Following a two-hour call with Boris Beta, Anna Alpha struck an optimistic tone.")
    assert m.certainty == "undated" and m.window == ("2025-04-19", "2025-05-20")


def test_a_sentence_without_actors_borrows_them_from_the_sentence_before():
    found = detect("The Monday talk is the third Alpha-Beta phone call this year. The last conversation took place on March 18.")
    march = [m for m in found if m.date == "2025-03-18"]
    assert march and set(march[0].actors) == {"Anna Alpha", "Boris Beta"}


def test_relative_dates_against_an_inferred_anchor_are_marked_inferred():
    [m] = detect("Anna Alpha called Boris Beta for about an hour Wednesday.", anchor=dt.date(2025, 3, 20), how="inferred")
    assert m.certainty == "inferred" and m.date == "2025-03-19"


def test_people_introduced_by_a_title_are_proposed_as_actors():
    [m] = detect("Foreign Minister Dora Delta met Anna Alpha in Geneva on Tuesday.")
    assert "Dora Delta" in m.actors
    assert m.proposals and list(m.proposals.values())[0]["name"] == "Dora Delta"


def test_sentences_split_without_breaking_abbreviations():
    text = "Mr. Alpha met U.S. officials on Feb. 28, 2025. Then he left."
    assert events.sentences(text) == ["Mr. Alpha met U.S. officials on Feb. 28, 2025.", "Then he left."]


def test_a_clock_time_alone_does_not_date_an_event():
    found = detect("The quake hit at 12:49 local time near the city, officials said.", anchor=dt.date(2025, 4, 24))
    assert all(m.date != "2025-04-24" for m in found)


def test_a_sentence_with_its_own_subject_does_not_borrow_the_previous_people():
    found = detect("Anna Alpha praised the vote. The Senate passed the bill on Monday by 40 votes to 7.")
    vote = [m for m in found if m.kind == "vote"]
    assert vote and "Anna Alpha" not in vote[0].actors and vote[0].title == "Senate passes bill"


def test_titles_keep_numbers_whole_and_disasters_say_what_struck():
    [quake] = detect("A magnitude 6.2 earthquake struck southern Turkey on Wednesday, killing at least 12 people.")
    assert quake.kind == "disaster" and quake.title == "Earthquake struck southern Turkey"
    [deaths] = detect("In February 2023, two earthquakes killed more than 53,000 people in the south.")
    assert "53,000" in deaths.title


def test_a_planned_visit_on_a_bare_weekday_is_the_coming_one():
    [visit] = detect("Anna Alpha will visit the region on Friday, her office said.", anchor=dt.date(2025, 4, 24))
    assert visit.kind == "visit" and visit.date == "2025-04-25" and visit.planned


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["and", "band", "andy", "but", ",", ";", ":", " ", "—", "–", "who", "whom", "while",
                                 "after", "before", "that", "where", "which", "-", "_", "é", "x"]), max_size=10)
       .map("".join))
def test_clause_breaks_are_counted_as_the_plain_pattern_counts_them(text):
    from builder.events import _CLAUSE_BREAK

    plain = re.compile(r"[,;:—–]|\b(?:and|but|that|where|which|who|while|after|before)\b")
    assert _CLAUSE_BREAK.findall(text) == plain.findall(text)
