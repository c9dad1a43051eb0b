"""Knowledge lives in data files: no person of the timeline is named in the builder's
Python code (not even in an example in a comment), so that nothing in it is fitted
to the people of the bundled articles."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def people_names() -> set[str]:
    actors = yaml.safe_load((ROOT / "timeline" / "actors.yaml").read_text(encoding="utf-8"))
    events = yaml.safe_load((ROOT / "builder" / "data" / "events.yaml").read_text(encoding="utf-8"))
    titles = {w.strip(".") for t in events["person_titles"] for w in str(t).split()}
    names = set()
    for entry in actors.values():
        if entry.get("kind") != "person":
            continue
        for name in [entry["name"], *(entry.get("aliases") or [])]:
            names |= {w for w in str(name).split() if len(w) > 3 and w[0].isupper() and w.strip(".") not in titles}
    return names


def test_the_timeline_has_people_to_look_for():
    assert len(people_names()) >= 5


def test_no_person_of_the_timeline_is_named_in_the_builder_code():
    found = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(people_names()))) + r")\b")
    hits = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
            for path in sorted((ROOT / "builder").rglob("*.py"))
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if found.search(line)]
    assert not hits, "\n".join(hits)
