"""The store's promise to editors: a re-run adds evidence and never undoes their work.

Each test plays a short story: the builder writes the timeline, an editor changes a
file (as in a pull request), the builder runs again; then we look at the files.
Candidates are built by hand here; the extraction pipeline produces the same objects.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from builder import store as store_module
from builder.store import STATE_FILE, Candidate, Lock, Store, patch_event_text
from builder.yamlio import loads

CALL = "2025-05-19-trump-putin-hold-phone-call"
TALKS = "2025-05-16-russia-ukraine-hold-direct-talks-istanbul"
DUPLICATE = "2025-05-19-putin-trump-talk-phone"


def call(**changes) -> Candidate:
    """The phone call of 19 May 2025 as the first article tells it."""
    fields = dict(
        date="2025-05-19", title="Trump and Putin hold phone call", kind="call",
        summary="The two presidents spoke for two hours.", actors=["Donald Trump", "Vladimir Putin"],
        confidence=0.8, mentions=["global-times#s3"],
        sources=[{"source": "global-times", "quote": "Putin and Trump held a phone call on Monday.",
                  "date_text": "Monday", "resolved": "weekday before publication"}])
    fields.update(changes)
    return Candidate(**fields)


def talks(**changes) -> Candidate:
    fields = dict(
        date="2025-05-16", title="Russia and Ukraine hold direct talks in Istanbul", kind="talks",
        actors=["Russia", "Ukraine"], places=["Istanbul"], mentions=["newslooks#s7"],
        sources=[{"source": "newslooks", "quote": "Delegations met in Istanbul on Friday.",
                  "date_text": "Friday", "resolved": "weekday before publication"}])
    fields.update(changes)
    return Candidate(**fields)


SECOND_ARTICLE = {"source": "al-mayadeen", "quote": "Monday's call between Trump and Putin lasted two hours.",
                  "date_text": "Monday", "resolved": "weekday before publication"}


def same_call(candidate: Candidate, event: dict) -> bool:
    """A matcher as the pipeline has one: same day, same kind."""
    return candidate.date == event.get("date") and candidate.kind == event.get("kind")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "timeline"


def path_of(root: Path, ident: str) -> Path:
    return root / ident[:4] / f"{ident}.yaml"


def read(root: Path, ident: str) -> dict:
    return loads(path_of(root, ident).read_text(encoding="utf-8"))


def edit(root: Path, ident: str, old: str, new: str) -> None:
    """An editor's change to one line of an event file."""
    path = path_of(root, ident)
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in\n{text}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` and its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


# --- the first run -------------------------------------------------------------

def test_first_run_writes_one_file_per_event_named_by_its_id(root):
    result = Store(root).apply([call(), talks()])

    assert sorted(result.new) == [TALKS, CALL]
    assert sorted(tree(root)) == sorted([f"2025/{TALKS}.yaml", f"2025/{CALL}.yaml", STATE_FILE])
    text = path_of(root, CALL).read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    event = loads(text)
    assert event["id"] == CALL and event["title"] == "Trump and Putin hold phone call"
    assert event["date"] == "2025-05-19" and event["status"] == "auto"
    assert event["sources"][0] == call().sources[0]
    assert list(event) == ["id", "title", "date", "kind", "status", "confidence", "summary", "actors", "sources"]


def test_new_files_get_ordinary_permissions_not_temp_file_ones(root):
    Store(root).apply([call()])
    umask = os.umask(0)
    os.umask(umask)
    assert path_of(root, CALL).stat().st_mode & 0o777 == 0o666 & ~umask


# --- editors' changes are kept -------------------------------------------------

def test_editor_retitles_an_event_and_a_rerun_keeps_the_title_id_and_file_name(root):
    Store(root).apply([call()])
    edit(root, CALL, "title: Trump and Putin hold phone call", "title: Putin tells Trump he is open to a memorandum")

    Store(root).apply([call()])
    Store(root).apply([call(title="Putin, Trump speak for two hours", mentions=["global-times#s3", "x#1"])])

    event = read(root, CALL)
    assert event["title"] == "Putin tells Trump he is open to a memorandum"
    assert event["id"] == CALL
    assert sorted(p.name for p in root.glob("2025/*.yaml")) == [f"{CALL}.yaml"]


@pytest.mark.parametrize("field, old, new, expected", [
    ("date", "date: '2025-05-19'", "date: '2025-05-18'", "2025-05-18"),
    ("summary", "summary: The two presidents spoke for two hours.", "summary: A two-hour call, per the Kremlin.",
     "A two-hour call, per the Kremlin."),
    ("actors", "- Vladimir Putin\n", "- Vladimir Putin\n- Kremlin\n", ["Donald Trump", "Vladimir Putin", "Kremlin"]),
    ("status", "status: auto", "status: reviewed", "reviewed"),
    ("kind", "kind: call", "kind: phone-call", "phone-call"),
])
def test_editor_edits_to_a_field_are_kept_when_extraction_says_otherwise(root, field, old, new, expected):
    Store(root).apply([call()])
    edit(root, CALL, old, new)

    Store(root).apply([call(date="2025-05-19", summary="Another summary.", actors=["Trump", "Putin", "Witkoff"],
                            kind="talks")])

    assert read(root, CALL)[field] == expected


def test_editor_removing_a_field_is_kept(root):
    Store(root).apply([call()])
    edit(root, CALL, "summary: The two presidents spoke for two hours.\n", "")

    Store(root).apply([call(summary="A longer summary from a better article.")])

    assert "summary" not in read(root, CALL)


def test_a_field_the_editor_did_not_touch_is_still_updated_by_the_builder(root):
    Store(root).apply([call()])
    edit(root, CALL, "title: Trump and Putin hold phone call", "title: Edited title")

    Store(root).apply([call(summary="A better summary.", confidence=0.9, places=["Sochi"])])

    event = read(root, CALL)
    assert event["title"] == "Edited title"
    assert event["summary"] == "A better summary."
    assert event["confidence"] == 0.9
    assert event["places"] == ["Sochi"]


def test_once_an_editor_marks_an_event_reviewed_only_evidence_joins_it(root):
    Store(root).apply([call()])
    edit(root, CALL, "status: auto", "status: reviewed")

    Store(root).apply([call(summary="A different summary.", confidence=0.3, sources=[SECOND_ARTICLE])])

    event = read(root, CALL)
    assert event["summary"] == "The two presidents spoke for two hours." and event["confidence"] == 0.8
    assert event["sources"] == call().sources + [SECOND_ARTICLE]


# --- deleted, rejected and merged events ---------------------------------------

@pytest.mark.parametrize("runs_before_deletion", [1, 3])
def test_editor_deletes_an_event_and_it_never_comes_back(root, runs_before_deletion):
    for _ in range(runs_before_deletion):
        Store(root).apply([call(), talks()])
    path_of(root, CALL).unlink()

    for _ in range(3):
        result = Store(root).apply([call(), talks()])
        assert result.new == []
        assert "Trump and Putin hold phone call" in result.suppressed

    assert not path_of(root, CALL).exists()
    assert [p.stem for p in root.glob("2025/*.yaml")] == [TALKS]


def test_deleted_event_stays_deleted_when_a_later_article_repeats_one_of_its_mentions(root):
    Store(root).apply([call()])
    path_of(root, CALL).unlink()
    Store(root).apply([])

    result = Store(root).apply([call(mentions=["global-times#s3", "al-mayadeen#s2"], sources=[SECOND_ARTICLE])])

    assert result.new == [] and list(root.glob("2025/*.yaml")) == []


def test_deleted_events_id_is_never_reused(root):
    Store(root).apply([call()])
    path_of(root, CALL).unlink()
    Store(root).apply([])

    result = Store(root).apply([call(mentions=["other-article#s1"], sources=[SECOND_ARTICLE])])

    assert result.new == [f"{CALL}-2"]


def test_editor_rejects_an_event_and_its_file_never_changes_again(root):
    Store(root).apply([call()])
    edit(root, CALL, "status: auto", "status: rejected")
    before = path_of(root, CALL).read_bytes()

    result = Store(root).apply([call(summary="New summary", sources=call().sources + [SECOND_ARTICLE])])
    Store(root).apply([call(mentions=["global-times#s3", "al-mayadeen#s2"], sources=[SECOND_ARTICLE])],
                      matcher=same_call)
    Store(root).apply([call(mentions=["bbc#s9"])], matcher=same_call)

    assert CALL in result.suppressed
    assert path_of(root, CALL).read_bytes() == before
    assert [p.stem for p in root.glob("2025/*.yaml")] == [CALL]


def test_editor_merges_b_into_a_and_b_never_comes_back(root):
    duplicate = call(title="Putin and Trump talk by phone", mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE])
    Store(root).apply([call(), duplicate])
    b = DUPLICATE
    assert path_of(root, b).exists()
    # The editor's pull request: A lists B as merged, B's quote moves to A, B's file goes.
    text = path_of(root, CALL).read_text()
    path_of(root, CALL).write_text(text.replace("sources:\n", f"merged:\n- {b}\nsources:\n")
                                   + "- source: al-mayadeen\n  quote: Monday's call between Trump and Putin lasted "
                                     "two hours.\n")
    path_of(root, b).unlink()

    third = {"source": "newslooks", "quote": "Trump said the call went very well.", "date_text": "Monday"}
    result = Store(root).apply([call(), duplicate,
                                call(title="Putin and Trump talk by phone", mentions=["al-mayadeen#s2"],
                                     sources=[SECOND_ARTICLE, third])])
    Store(root).apply([duplicate])

    assert result.new == [] and result.updated == [CALL]
    assert not path_of(root, b).exists()
    sources = [(s["source"], s["quote"]) for s in read(root, CALL)["sources"]]
    assert sources == [("global-times", "Putin and Trump held a phone call on Monday."),
                       ("al-mayadeen", SECOND_ARTICLE["quote"]), ("newslooks", third["quote"])]
    assert read(root, CALL)["merged"] == [b]


def test_retitle_and_delete_then_rerun_leaves_exactly_the_editors_diff(root):
    Store(root).apply([call(), talks()])
    edit(root, CALL, "title: Trump and Putin hold phone call", "title: Putin and Trump speak for two hours")
    path_of(root, TALKS).unlink()
    edited = tree(root)

    Store(root).apply([call(), talks()])
    Store(root).apply([talks(), call()])

    assert tree(root) == edited


def test_a_merge_adds_only_a_note_of_it_to_the_builder_state(root):
    duplicate = call(title="Putin and Trump talk by phone", mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE])
    Store(root).apply([call(), duplicate])
    edit(root, CALL, "sources:\n", f"merged:\n- {DUPLICATE}\nsources:\n")
    path_of(root, DUPLICATE).unlink()
    edited = tree(root)

    Store(root).apply([call(), duplicate])
    Store(root).apply([call(), duplicate])

    after = tree(root)
    state = json.loads(after.pop(STATE_FILE))
    assert after == {k: v for k, v in edited.items() if k != STATE_FILE}
    assert state["merged"] == {DUPLICATE: CALL}
    assert {k: v for k, v in state.items() if k != "merged"} == json.loads(edited[STATE_FILE])


def test_a_deleted_event_is_not_recreated_from_new_evidence_the_matcher_ties_to_it(root):
    Store(root).apply([call()])
    path_of(root, CALL).unlink()

    result = Store(root).apply([call(title="Trump, Putin speak", mentions=["al-mayadeen#s2"],
                                     sources=[SECOND_ARTICLE])], matcher=same_call)

    assert result.new == [] and list(root.glob("2025/*.yaml")) == []


def test_merges_chain_b_into_a_then_a_into_c(root):
    duplicate = call(title="Putin and Trump talk by phone", mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE])
    Store(root).apply([call(), duplicate, talks()])
    edit(root, CALL, "sources:\n", f"merged:\n- {DUPLICATE}\nsources:\n")
    path_of(root, DUPLICATE).unlink()
    Store(root).apply([call(), duplicate, talks()])
    edit(root, TALKS, "sources:\n", f"merged:\n- {CALL}\nsources:\n")
    path_of(root, CALL).unlink()

    third = {"source": "newslooks", "quote": "Trump said the call went very well."}
    result = Store(root).apply([call(), talks(), call(title="Putin and Trump talk by phone",
                                                      mentions=["al-mayadeen#s2"], sources=[third])])

    assert result.new == [] and [p.stem for p in root.glob("2025/*.yaml")] == [TALKS]
    assert [s["source"] for s in read(root, TALKS)["sources"]] == ["newslooks", "newslooks"]
    assert read(root, TALKS)["sources"][1]["quote"] == third["quote"]


def test_editor_merge_keeps_the_sources_the_editor_left_out(root):
    duplicate = call(title="Putin and Trump talk by phone", mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE])
    Store(root).apply([call(), duplicate])
    b = DUPLICATE
    edit(root, CALL, "sources:\n", f"merged:\n- {b}\nsources:\n")  # B's quote deliberately not copied
    path_of(root, b).unlink()

    Store(root).apply([call(), duplicate])

    assert [s["source"] for s in read(root, CALL)["sources"]] == ["global-times"]


def test_merged_id_is_never_reused_for_a_new_event(root):
    duplicate = call(title="Putin and Trump talk by phone", mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE])
    Store(root).apply([call(), duplicate])
    b = DUPLICATE
    edit(root, CALL, "sources:\n", f"merged:\n- {b}\nsources:\n")
    path_of(root, b).unlink()
    Store(root).apply([])

    result = Store(root).apply([call(title="Putin and Trump talk by phone", mentions=["bbc#s1"], kind="")])

    assert result.new == [f"{b}-2"] and not path_of(root, b).exists()


def test_event_restored_from_git_after_deletion_gets_evidence_again(root):
    Store(root).apply([call()])
    saved = path_of(root, CALL).read_bytes()
    path_of(root, CALL).unlink()
    Store(root).apply([call()])
    path_of(root, CALL).write_bytes(saved)

    Store(root).apply([call(sources=call().sources + [SECOND_ARTICLE])])

    assert [s["source"] for s in read(root, CALL)["sources"]] == ["global-times", "al-mayadeen"]


# --- new evidence ----------------------------------------------------------------

def test_new_article_adds_a_source_to_an_existing_event_without_touching_edited_fields(root):
    Store(root).apply([call()])
    edit(root, CALL, "title: Trump and Putin hold phone call", "title: Trump and Putin speak for two hours")
    edit(root, CALL, "summary: The two presidents spoke for two hours.", "summary: Edited summary.")

    result = Store(root).apply([call(title="Trump, Putin talk", summary="Other words.", mentions=["al-mayadeen#s2"],
                                     sources=[SECOND_ARTICLE])], matcher=same_call)

    assert result.updated == [CALL] and result.new == []
    event = read(root, CALL)
    assert event["title"] == "Trump and Putin speak for two hours"
    assert event["summary"] == "Edited summary."
    assert event["sources"] == call().sources + [SECOND_ARTICLE]


def test_the_new_article_is_recognised_by_its_mentions_on_the_next_run(root):
    Store(root).apply([call()])
    Store(root).apply([call(mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE])], matcher=same_call)

    result = Store(root).apply([call(mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE])])

    assert result.new == [] and result.unchanged == [CALL]


def test_source_removed_by_an_editor_is_not_added_back(root):
    Store(root).apply([call(sources=call().sources + [SECOND_ARTICLE])])
    text = path_of(root, CALL).read_text()
    path_of(root, CALL).write_text(text.split("- source: al-mayadeen")[0])

    Store(root).apply([call(sources=call().sources + [SECOND_ARTICLE])])

    assert [s["source"] for s in read(root, CALL)["sources"]] == ["global-times"]


def test_two_articles_about_one_event_in_the_same_run_both_land(root):
    Store(root).apply([call()])
    third = {"source": "newslooks", "quote": "Trump said the call went very well."}

    Store(root).apply([call(summary="Summary from article two.", mentions=["global-times#s3", "al-mayadeen#s2"],
                            sources=[SECOND_ARTICLE]),
                       call(title="Trump and Putin hold phone call", mentions=["global-times#s3", "newslooks#s1"],
                            sources=[third])])
    again = tree(root)
    Store(root).apply([call(summary="Summary from article two.", mentions=["global-times#s3", "al-mayadeen#s2"],
                            sources=[SECOND_ARTICLE]),
                       call(title="Trump and Putin hold phone call", mentions=["global-times#s3", "newslooks#s1"],
                            sources=[third])])

    assert [s["source"] for s in read(root, CALL)["sources"]] == ["global-times", "al-mayadeen", "newslooks"]
    assert tree(root) == again


def test_an_event_created_in_a_run_takes_more_evidence_in_the_same_run(root):
    result = Store(root).apply([call(), call(mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE])],
                               matcher=same_call)

    assert result.new == [CALL]
    assert sorted(s["source"] for s in read(root, CALL)["sources"]) == ["al-mayadeen", "global-times"]


# --- same input, same bytes ---------------------------------------------------------

def test_two_runs_in_a_row_change_no_byte_and_touch_no_file(root):
    candidates = [call(), talks(), call(mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE])]
    Store(root).apply(candidates, matcher=same_call)
    edit(root, CALL, "title: Trump and Putin hold phone call", "title: Edited  # with a comment")
    Store(root).apply(candidates, matcher=same_call)
    files, times = tree(root), mtimes(root)

    result = Store(root).apply(candidates, matcher=same_call)

    assert tree(root) == files
    assert mtimes(root) == times
    assert result.new == [] and result.updated == []


def test_candidates_in_any_order_give_the_same_bytes(tmp_path):
    candidates = [call(), talks(), call(mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE], summary="Other."),
                  talks(title="Istanbul talks end without a ceasefire", mentions=["ft#s4"], date="2025-05-16",
                        kind="statement")]
    trees = []
    for seed in range(4):
        order = list(candidates)
        random.Random(seed).shuffle(order)
        Store(tmp_path / str(seed)).apply(order, matcher=same_call)
        trees.append(tree(tmp_path / str(seed)))
    assert all(t == trees[0] for t in trees)


# --- comments and layout -----------------------------------------------------------

def test_editors_comments_survive_a_rerun_that_appends_a_source(root):
    Store(root).apply([call()])
    path_of(root, CALL).write_text(f"""\
# yaml-language-server: $schema=../../builder/schema/event.schema.json
# Checked against the Kremlin readout. -- Anna
id: {CALL}
title: Trump and Putin hold phone call  # keep "phone call", readers search for it
date: '2025-05-19'
kind: call
status: auto
confidence: 0.8
summary: The two presidents spoke for two hours.

# Actors below are the only ones named in the readout.
actors:
- Donald Trump
- Vladimir Putin
sources:
  # The first article to report it.
  - source: global-times
    quote: Putin and Trump held a phone call on Monday.   # verbatim
    date_text: Monday
    resolved: weekday before publication
# end of file: nothing after this line
""")
    before = path_of(root, CALL).read_text()

    Store(root).apply([call(mentions=["al-mayadeen#s2"], sources=[SECOND_ARTICLE])], matcher=same_call)

    after = path_of(root, CALL).read_text()
    for line in before.splitlines():
        assert line in after.splitlines()
    assert after.startswith(before.split("# end of file")[0])
    assert after.endswith("# end of file: nothing after this line\n")
    assert read(root, CALL)["sources"] == call().sources + [SECOND_ARTICLE]


def test_a_builder_owned_field_is_updated_in_place_and_other_lines_stay(root):
    Store(root).apply([call()])
    edit(root, CALL, "kind: call\n", "kind: call\n# a note about the status\n")

    Store(root).apply([call(summary="Line one.\nLine two.\n", end="2025-05-20")])

    text = path_of(root, CALL).read_text()
    assert "kind: call\n# a note about the status\nstatus: auto\n" in text
    assert "date: '2025-05-19'\nend: '2025-05-20'\n" in text
    assert "summary: |\n  Line one.\n  Line two.\n" in text


def test_patching_an_oddly_laid_out_file_still_gives_the_intended_data():
    text = "{id: x, title: T, sources: [{source: a, quote: q}]}\n"

    out = patch_event_text(text, {"sources": [{"source": "a", "quote": "q"}, {"source": "b", "quote": "r"}]})

    assert loads(out) == {"id": "x", "title": "T", "sources": [{"source": "a", "quote": "q"},
                                                                {"source": "b", "quote": "r"}]}


NEW_SOURCE = {"source": "ft", "quote": "Talks lasted two hours."}


@pytest.mark.parametrize("layout, text", [
    ("windows line ends", "id: x\r\ntitle: T  # note\r\nsources:\r\n- source: a\r\n  quote: q\r\n"),
    ("no newline at the end", "id: x\ntitle: T  # note\nsources:\n- source: a\n  quote: q"),
    ("indented list, comment between items", "id: x\ntitle: T  # note\nsources:\n    - source: a\n"
                                              "      # why this quote\n      quote: q\n"),
    ("comment after the list", "id: x\ntitle: T  # note\nsources:\n- source: a\n  quote: q\n\n# the end\n"),
    ("multi-line quote last", "id: x\ntitle: T  # note\nsources:\n- source: a\n  quote: |\n    q\n\n"),
])
def test_appending_a_source_keeps_every_line_of_any_layout(layout, text):
    old = loads(text)

    out = patch_event_text(text, {"sources": old["sources"] + [NEW_SOURCE]})

    assert loads(out) == {**old, "sources": old["sources"] + [NEW_SOURCE]}
    for line in text.splitlines():
        assert line in out.splitlines(), (layout, line)


def test_an_empty_flow_list_of_sources_is_rewritten_in_block_style():
    out = patch_event_text("id: x\n# a comment\nsources: []\n", {"sources": [NEW_SOURCE]})

    assert out == "id: x\n# a comment\nsources:\n- source: ft\n  quote: Talks lasted two hours.\n"


def test_a_new_field_goes_in_field_order_and_a_removed_one_leaves_no_trace():
    text = "id: x\ntitle: T\ndate: '2025'\n# about the status\nstatus: auto\nsummary: S\nsources: []\n"

    out = patch_event_text(text, {"kind": "call", "summary": None})

    assert out == "id: x\ntitle: T\ndate: '2025'\nkind: call\n# about the status\nstatus: auto\nsources: []\n"


# --- crashes and concurrent runs -------------------------------------------------

def _interrupt_on(monkeypatch, nth: int) -> None:
    """Ctrl-C arrives during the nth rename of a run."""
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == nth:
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("nth", [1, 2, 3, 4, 5])
def test_interrupted_run_leaves_every_file_old_or_new_and_a_rerun_finishes_the_job(tmp_path, monkeypatch, nth):
    first = [call(), talks()]
    second = [call(summary="New summary.", mentions=["global-times#s3", "al-mayadeen#s2"],
                   sources=[SECOND_ARTICLE]),
              talks(sources=talks().sources + [{"source": "ft", "quote": "Talks lasted two hours."}]),
              call(date="2025-05-20", title="Kremlin reports on the call", kind="statement", mentions=["tass#s1"])]
    calm, root = tmp_path / "calm", tmp_path / "interrupted"
    for folder in (calm, root):
        Store(folder).apply(first)
    old = tree(root)
    Store(calm).apply(second)
    new = tree(calm)

    with monkeypatch.context() as patch:
        _interrupt_on(patch, nth)
        with pytest.raises(KeyboardInterrupt):
            Store(root).apply(second)

    for name, data in tree(root).items():
        if name == STATE_FILE:  # the old state, the new one, or the new one with a note of the files in flight
            assert data in (old[name], new[name]) or "pending" in json.loads(data)
        else:
            assert data in (old.get(name), new.get(name)), name
            loads(data.decode())
    assert not [p for p in root.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".timeline.lock")]

    Store(root).apply(second)
    assert tree(root) == new


def test_interrupted_write_of_one_file_leaves_it_whole(tmp_path, monkeypatch):
    root = tmp_path / "timeline"
    Store(root).apply([call()])
    old = path_of(root, CALL).read_bytes()

    def broken_fsync(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(KeyboardInterrupt):
        Store(root).apply([call(sources=[SECOND_ARTICLE])])

    assert path_of(root, CALL).read_bytes() == old
    assert sorted(p.name for p in root.rglob("*")) == sorted(["2025", f"{CALL}.yaml", STATE_FILE])


def test_a_second_run_on_the_same_timeline_is_refused_naming_the_timeline(root):
    Store(root).apply([call()])
    files = tree(root)

    with Lock(root):
        with pytest.raises(RuntimeError) as refused:
            Store(root).apply([call(sources=[SECOND_ARTICLE])])

    message = str(refused.value)
    assert str(root) in message and "another run" in message and str(os.getpid()) in message
    files.pop(".timeline.lock", None)
    assert tree(root) == files


def test_one_run_can_hold_the_timeline_across_several_steps(root):
    with Store(root).locked() as store:
        store.apply([call()])
        with pytest.raises(RuntimeError, match="another run"):
            Store(root).apply([talks()])
        store.apply([talks()])

    assert sorted(p.stem for p in root.glob("2025/*.yaml")) == [TALKS, CALL]
    assert not (root / ".timeline.lock").exists()


def test_a_stale_lock_left_by_a_dead_process_is_taken_over(root):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    root.mkdir()
    (root / ".timeline.lock").write_text(dead.stdout)

    result = Store(root).apply([call()])

    assert result.new == [CALL]
    assert not (root / ".timeline.lock").exists()


def test_an_empty_lock_file_is_taken_over(root):
    root.mkdir()
    (root / ".timeline.lock").write_text("")

    assert Store(root).apply([call()]).new == [CALL]


def test_the_lock_is_released_after_a_failed_run(root, monkeypatch):
    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module, "load_timeline", boom)
    with pytest.raises(KeyboardInterrupt):
        Store(root).apply([call()])
    monkeypatch.undo()

    assert Store(root).apply([call()]).new == [CALL]


# --- files the store must leave alone -------------------------------------------

def test_a_file_that_breaks_the_schema_is_left_alone_and_not_duplicated(root):
    Store(root).apply([call(), talks()])
    edit(root, CALL, "kind: call", "kind: call\ntitel: typo")
    broken = path_of(root, CALL).read_bytes()

    result = Store(root).apply([call(sources=[SECOND_ARTICLE]), talks()])

    assert path_of(root, CALL).read_bytes() == broken
    assert result.new == [] and any(CALL in w for w in result.warnings)
    assert sorted(p.stem for p in root.glob("2025/*.yaml")) == [TALKS, CALL]


def test_an_editors_own_event_with_a_typo_is_not_duplicated_by_matching_evidence(root):
    root.mkdir()
    (root / "2025").mkdir()
    own = root / "2025" / "2025-05-19-call.yaml"
    own.write_text("id: 2025-05-19-call\ntitle: The call\ndate: '2025-05-19'\nkind: call\nstatus: reviewed\n"
                   "sources: []\nnotes: a field the schema does not know\n")

    result = Store(root).apply([call()], matcher=same_call)

    assert result.new == [] and [p.name for p in root.glob("2025/*")] == [own.name]


def test_an_event_whose_id_an_editor_changed_is_left_alone(root):
    Store(root).apply([call()])
    edit(root, CALL, f"id: {CALL}", "id: 2025-05-19-renamed")
    before = tree(root)

    result = Store(root).apply([call(sources=[SECOND_ARTICLE])])

    assert result.new == []
    assert {k: v for k, v in tree(root).items() if k != STATE_FILE} == \
        {k: v for k, v in before.items() if k != STATE_FILE}


def test_a_candidate_with_an_impossible_date_is_skipped_with_a_warning(root):
    result = Store(root).apply([call(date="2025-02-30"), talks()])

    assert result.new == [TALKS]
    assert any("2025-02-30" in w for w in result.warnings)


def test_a_state_file_of_the_first_format_keeps_its_deleted_events_deleted(root):
    root.mkdir()
    (root / STATE_FILE).write_text(json.dumps({"version": 1, "events": {}, "deleted": {
        CALL: {"mentions": ["global-times#s3"], "date": "2025-05-19"}}}))

    result = Store(root).apply([call()])

    assert result.new == [] and not path_of(root, CALL).exists()


def test_an_unreadable_state_file_stops_the_run_with_its_name(root):
    Store(root).apply([call()])
    (root / STATE_FILE).write_text("{not json")

    with pytest.raises(RuntimeError, match=STATE_FILE):
        Store(root).apply([call()])
