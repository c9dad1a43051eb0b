"""Score the temporal tagger on MEANTIME and measure its speed.

    .venv/bin/python benchmarks/meantime.py [--corpus ../shared/corpora/meantime] [--repeat 5]

Tags every article of the corpus (docs.jsonl) with builder.timex, scores the result
with the shared TempEval-style scorer (shared/eval/timex_score.py) and prints its
summary line, then the tagger's throughput over the whole text (CPU time, best of
--repeat runs): characters per second, documents per second and milliseconds per
6 KB of text (the size of a typical article).
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.timex import parse_anchor, tag, timex_dict  # noqa: E402

SHARED = ROOT.parent / "shared"


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("timex_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(corpus: Path, scorer_path: Path, repeat: int = 5) -> dict:
    docs = [json.loads(line) for line in (corpus / "docs.jsonl").read_text(encoding="utf-8").splitlines() if line]
    anchors = [parse_anchor(d.get("dct")) for d in docs]
    tag("warm up on 7/8/07", dt.date(2007, 7, 9))  # load the rules (and dateparser) outside the timing
    system = {d["id"]: {"timexes": [timex_dict(t) for t in tag(d["text"], a)]} for d, a in zip(docs, anchors)}
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for d, a in zip(docs, anchors):
            tag(d["text"], a)
        best = min(best, time.process_time() - t0)
    chars = sum(len(d["text"]) for d in docs)
    result = {"docs": len(docs), "chars": chars, "seconds": best,
              "chars_per_s": chars / best, "docs_per_s": len(docs) / best, "ms_per_6kb": best / chars * 6000 * 1000}
    if scorer_path.exists():
        scorer = load_scorer(scorer_path)
        gold = scorer.read_jsonl(str(corpus / "gold.jsonl"), "gold")
        sys_docs = {k: {"timexes": [dict(t, type=scorer.norm(t["type"]), value=scorer.norm(t["value"]))
                                    for t in v["timexes"]], "ignore": []} for k, v in system.items()}
        report = scorer.score(gold, sys_docs)
        result["summary"] = report["summary"]
        result["value_f1"] = report["value"]["f1"]
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpora" / "meantime")
    parser.add_argument("--scorer", type=Path, default=SHARED / "eval" / "timex_score.py")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    r = run(args.corpus, args.scorer, args.repeat)
    if "summary" in r:
        print(r["summary"])
    else:
        print(f"(no scorer at {args.scorer}: quality not measured)")
    print(f"throughput: {r['chars_per_s'] / 1e6:.2f} M chars/s, {r['docs_per_s']:.0f} docs/s, "
          f"{r['ms_per_6kb']:.2f} ms per 6 KB ({r['docs']} docs, {r['chars']} chars, CPU time, best of {args.repeat})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
