"""The quality gate: the seed articles, extracted afresh and scored by the
shared scorer against the gold timeline. Floors only rise.

Measured on 2026-11-22: core 6/6 · recall 14/14 · precision 1.00 of 24 events ·
duplicates 0 · merged 4/4 · leaks 0 · misdated 0, for both folders, with the
repository's registries and without any.
"""
import importlib.util
import json
import shutil
from pathlib import Path

import pytest
import yaml

from builder.export import export
from builder.pipeline import extract

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "eval" / "score.py"
GOLD = SHARED / "eval" / "seeds-gold.yaml"

FLOORS = {"core_found": 6, "found": 14, "merged": 4}
CEILINGS = {"duplicates": 0, "leaks": 0, "misdated": 0}
PRECISION_FLOOR = 0.95

pytestmark = pytest.mark.skipif(not SCORER.exists(), reason="the shared scorer is not beside this checkout")


def _scorer():
    spec = importlib.util.spec_from_file_location("seed_scorer", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score_folder(sources: Path, tmp_path: Path, registries: bool = True) -> dict:
    timeline = tmp_path / "timeline"
    timeline.mkdir()
    for registry in ("actors.yaml", "places.yaml") if registries else ():
        shutil.copy(ROOT / "timeline" / registry, timeline / registry)
    extract(sources, timeline, jobs=1)
    events = json.loads(export(timeline, "json"))["events"]
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    return _scorer().score(gold, events)["summary"]


@pytest.mark.parametrize("registries", [True, False], ids=["with-registries", "empty-timeline"])
@pytest.mark.parametrize("folder", [ROOT / "sources", SHARED / "seeds"], ids=["sources", "raw-seeds"])
def test_seed_articles_meet_the_quality_gate(folder, registries, tmp_path):
    """Also into an empty timeline folder, as `extract --timeline OUT` is run on
    unseen articles: no editor's registry to lean on."""
    if not folder.exists():
        pytest.skip(f"{folder} is missing")
    summary = score_folder(folder, tmp_path, registries)
    for key, floor in FLOORS.items():
        assert summary[key] >= floor, f"{key} fell to {summary[key]} (floor {floor}): {summary}"
    for key, ceiling in CEILINGS.items():
        assert summary[key] <= ceiling, f"{key} rose to {summary[key]} (ceiling {ceiling}): {summary}"
    assert summary["precision"] >= PRECISION_FLOOR, summary
