"""Quality gate: the tagger on MEANTIME (120 Wikinews articles) must not get worse.

The floors only rise: when the tagger improves, raise them to just below the new
score (benchmarks/meantime.py prints it). Skipped when the shared corpus or scorer
is not present.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "meantime"
SCORER = ROOT.parent / "shared" / "eval" / "timex_score.py"

VALUE_F1_FLOOR = 0.852
RELAXED_F1_FLOOR = 0.945


def _benchmark():
    spec = importlib.util.spec_from_file_location("meantime_bench", ROOT / "benchmarks" / "meantime.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (SCORER.exists() and (CORPUS / "gold.jsonl").exists()), reason="MEANTIME or scorer absent")
def test_meantime_value_f1_stays_above_its_floor():
    result = _benchmark().run(CORPUS, SCORER, repeat=1)
    print(result["summary"])
    assert result["value_f1"] >= VALUE_F1_FLOOR, result["summary"]
    relaxed = float(result["summary"].split("relaxed F1 ")[1].split()[0])
    assert relaxed >= RELAXED_F1_FLOOR, result["summary"]
