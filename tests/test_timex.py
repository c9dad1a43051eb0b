"""The temporal tagger: the examples of builder/data/timex.yaml, false positives, spans, fuzzing."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from builder.timex import Timex, tag, tag_jsonl
from builder.timex_rules import load_rules

K = load_rules()


def _examples():
    for rule in K.rules:
        for i, ex in enumerate(rule.examples):
            yield pytest.param(rule.name, ex, id=f"{rule.name}-{i}")


def _anchor(value):
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@pytest.mark.parametrize("rule, ex", list(_examples()))
def test_every_rule_example_is_tagged_with_its_value(rule, ex):
    text = str(ex["text"])
    found = tag(text, _anchor(ex["anchor"]))
    want = str(ex["timex"])
    hits = [t for t in found if t.text == want]
    assert hits, f"{rule}: {want!r} not found in {text!r}; got {[(t.text, t.value) for t in found]}"
    t = hits[0]
    assert t.value == str(ex["value"]), f"{rule}: {want!r} -> {t.value}, expected {ex['value']}"
    if "end_value" in ex:
        assert t.end_value == str(ex["end_value"])
    if "mod" in ex:
        assert t.mod == ex["mod"]
    if "type" in ex:
        assert t.type == ex["type"]
    assert text[t.start:t.end] == t.text


@pytest.mark.parametrize("text", K.negatives)
def test_false_friends_are_not_dates(text):
    found = [t for t in tag(text, dt.date(2025, 5, 20)) if t.type in ("DATE", "TIME")]
    assert not found, [(t.text, t.value) for t in found]
