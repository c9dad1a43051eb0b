#!/usr/bin/env python3
"""Instructions the extraction spends on one article, counted by Linux `perf`.

    .venv/bin/python benchmarks/extract_cost.py [--articles 200]

Timings on a shared machine vary by a third from one minute to the next; the
number of instructions a process executes hardly varies at all (within 0.2 %),
so this is the measure to compare two versions of the code by. It builds the
same corpus as extract_bench.py, then runs the per-article extraction (read,
story, anchor, tagger, events) under `perf stat -e instructions:u` twice, on 20
articles and on 20 + --articles, and prints the difference per article: start-up
and warm-up cancel out. Needs `perf` (Debian: linux-perf).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM = 20


def child(folder: str, timeline: str, count: int) -> None:
    sys.path.insert(0, str(ROOT))
    from builder import pipeline, sources

    pipeline._init_worker(timeline)
    paths = [str(p) for p in sources.find_sources(Path(folder))[:WARM + count]]
    for path in paths:
        pipeline.process_article(path)


def instructions(folder: Path, timeline: Path, count: int) -> int:
    out = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u", sys.executable, __file__, "--child",
                          str(folder), str(timeline), str(count)], capture_output=True, text=True, check=True)
    line = [ln for ln in out.stderr.splitlines() if "instructions" in ln][-1]
    return int(line.split(",")[0])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    if shutil.which("perf") is None:
        sys.exit("extract_cost: needs Linux perf (apt-get install linux-perf)")
    sys.path.insert(0, str(Path(__file__).parent))
    from extract_bench import make_corpus

    with tempfile.TemporaryDirectory() as tmp:
        folder, timeline = Path(tmp) / "corpus", Path(tmp) / "timeline"
        folder.mkdir()
        timeline.mkdir()
        for name in ("actors.yaml", "places.yaml"):
            (timeline / name).write_text((ROOT / "timeline" / name).read_text(encoding="utf-8"), encoding="utf-8")
        make_corpus(folder, WARM + args.articles)
        base = instructions(folder, timeline, 0)
        total = instructions(folder, timeline, args.articles)
    print(f"{(total - base) / args.articles / 1e6:.2f} M instructions per article "
          f"({args.articles} articles after {WARM} of warm-up; perf stat -e instructions:u)")


if __name__ == "__main__":
    main()
