#!/usr/bin/env python3
"""Extraction speed and memory, beside the dateparser baseline.

    .venv/bin/python benchmarks/extract_bench.py [--articles 2000] [--jobs 2] [--baseline 200]

1. Builds a corpus of realistic articles from the seed articles: every date
   shifted by whole weeks (so weekdays stay right), people renamed, paragraphs
   of the story reordered, one file each, written to a temporary folder.
2. Runs the full extraction (read, story, anchor, tagger, events) over it,
   streaming, with --jobs worker processes, in a child process so that its
   peak memory (RSS of the process and its workers) is its own; at half and
   full corpus size, to show memory stays flat as the corpus grows.
3. Runs the baseline `dateparser.search.search_dates(text, languages=['en'],
   settings={'RELATIVE_BASE': ...})` over the same texts (the first
   --baseline of them: it is slow) and reports both rates.
4. Merges 100,000 synthetic mentions (block by date) and reports the time.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDS = ROOT / "sources"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MONTH_RX = "|".join(MONTHS)
DATE_RX = re.compile(rf"\b({MONTH_RX}) (\d{{1,2}})(, (\d{{4}}))?\b|\b(\d{{1,2}}) ({MONTH_RX}) (\d{{4}})\b")
SURNAMES = ["Adler", "Brandt", "Castell", "Dumont", "Eriksen", "Falk", "Gruber", "Halvorsen", "Ibarra", "Jansen",
            "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Sato", "Tanaka"]


def shift_dates(text: str, days: int, year: int = 2025) -> str:
    def repl(m: re.Match) -> str:
        if m.group(1):
            month, day, y = MONTHS.index(m.group(1)) + 1, int(m.group(2)), int(m.group(4) or year)
        else:
            day, month, y = int(m.group(5)), MONTHS.index(m.group(6)) + 1, int(m.group(7))
        try:
            new = dt.date(y, month, day) + dt.timedelta(days=days)
        except ValueError:
            return m.group(0)
        if m.group(1):
            return f"{MONTHS[new.month - 1]} {new.day}" + (f", {new.year}" if m.group(3) else "")
        return f"{new.day} {MONTHS[new.month - 1]} {new.year}"
    return DATE_RX.sub(repl, text)


def make_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    seeds = sorted(SEEDS.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    import yaml

    actors = yaml.safe_load((ROOT / "timeline" / "actors.yaml").read_text(encoding="utf-8"))
    people = [e["name"] for e in actors.values() if e.get("kind") == "person" and " " in e["name"]]
    paths = []
    for i in range(count):
        base = texts[i % len(texts)]
        text = shift_dates(base, 7 * rng.randint(-150, 150))
        for name in rng.sample(people, k=min(3, len(people))):
            first, last = name.split(" ", 1)
            text = text.replace(name, f"{first} {rng.choice(SURNAMES)}")
        paras = text.split("\n\n")
        if len(paras) > 6:  # reorder the middle of the story, keep head and tail
            middle = paras[3:-3]
            rng.shuffle(middle)
            paras = paras[:3] + middle + paras[-3:]
        path = folder / f"article-{i:05d}.txt"
        path.write_text("\n\n".join(paras), encoding="utf-8")
        paths.append(path)
    return paths


def child_extract(folder: str, timeline: str, jobs: int, limit: int) -> None:
    """Runs in a child process: extraction up to the merge, then print JSON."""
    from builder import pipeline, sources

    paths = sources.find_sources(Path(folder))[:limit]
    start, start_cpu = time.perf_counter(), time.process_time()
    mentions, first, first_cpu = 0, None, None
    for result in pipeline.iter_results(paths, Path(timeline), jobs):
        mentions += len(result.mentions)
        if first is None:  # imports, rules compiled, workers started: paid once per run
            first, first_cpu = time.perf_counter(), time.process_time()
    end, end_cpu = time.perf_counter(), time.process_time()
    seconds, startup = end - start, first - start
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # CPU seconds of this process after the first article: with one job, the extraction's
    # own CPU time, which other work on the machine does not stretch as it does the wall time
    print(json.dumps({"articles": len(paths), "seconds": seconds, "startup": startup, "mentions": mentions,
                      "cpu_after_startup": end_cpu - first_cpu, "peak_mb": max(peak_self, peak_children) / 1024}))


def run_child(folder: Path, timeline: Path, jobs: int, limit: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(folder), str(timeline), str(jobs), str(limit)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline(paths: list[Path]) -> tuple[float, float]:
    """(wall, CPU) seconds of the baseline over ``paths[1:]``; the first article warms
    dateparser up (its language data loads on first use), as our start-up is left out too."""
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": dt.datetime(2025, 5, 20)}
    search_dates(paths[0].read_text(encoding="utf-8"), languages=["en"], settings=settings)
    start, start_cpu = time.perf_counter(), time.process_time()
    for path in paths[1:]:
        search_dates(path.read_text(encoding="utf-8"), languages=["en"], settings=settings)
    return time.perf_counter() - start, time.process_time() - start_cpu


def merge_bench(count: int = 100_000) -> float:
    from builder.events import Mention
    from builder import merge

    rng = random.Random(3)
    kinds = ["call", "talks", "meeting", "statement", "agreement", "attack"]
    people = [f"Person {i}" for i in range(300)]
    base = dt.date(2023, 1, 1)
    mentions = []
    for i in range(count):
        day = base + dt.timedelta(days=rng.randint(0, 3 * 365))
        certainty = rng.choice(["explicit", "explicit", "anchored", "inferred", "undated"])
        m = Mention(source=f"a{i // 20}", quote=f"Sentence {i} about things.", kind=rng.choice(kinds),
                    date="" if certainty == "undated" else day.isoformat(), precision="none" if certainty == "undated" else "day",
                    certainty=certainty, actors=rng.sample(people, 2), order=i,
                    window=((day - dt.timedelta(days=31)).isoformat(), day.isoformat()) if certainty == "undated" else None)
        mentions.append(m)
    start = time.perf_counter()
    clusters = merge.merge(mentions)
    [merge.to_candidate(c) for c in clusters]
    return time.perf_counter() - start


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in __import__("os").getloadavg())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_extract(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--baseline", type=int, default=200, help="articles for the (slow) dateparser baseline")
    parser.add_argument("--mentions", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, timeline = Path(tmp) / "corpus", Path(tmp) / "timeline"
        folder.mkdir()
        timeline.mkdir()
        (timeline / "actors.yaml").write_text((ROOT / "timeline" / "actors.yaml").read_text(encoding="utf-8"))
        (timeline / "places.yaml").write_text((ROOT / "timeline" / "places.yaml").read_text(encoding="utf-8"))
        paths = make_corpus(folder, args.articles)
        size = sum(p.stat().st_size for p in paths) / len(paths)
        print(f"corpus: {len(paths)} articles, {size / 1024:.1f} KB on average; {load()}")
        half = run_child(folder, timeline, args.jobs, args.articles // 2)
        full = run_child(folder, timeline, args.jobs, args.articles)
        one = run_child(folder, timeline, 1, min(args.articles, 1000))
        for label, r, jobs in (("1 job ", one, 1), (f"{args.jobs} jobs", half, args.jobs), (f"{args.jobs} jobs", full, args.jobs)):
            rate = r["articles"] / r["seconds"]
            steady = (r["articles"] - 1) / (r["seconds"] - r["startup"])
            print(f"extraction, {label}: {r['articles']} articles in {r['seconds']:.1f} s = {rate:.0f} articles/s "
                  f"({rate / jobs:.0f} per core); after {r['startup']:.1f} s of start-up {steady:.0f} articles/s "
                  f"({steady / jobs:.0f} per core); {r['mentions']} mentions, peak memory {r['peak_mb']:.0f} MB")
        per_cpu = (one["articles"] - 1) / one["cpu_after_startup"]
        print(f"extraction, 1 job, by CPU time: {per_cpu:.0f} articles per CPU-second after start-up "
              f"({1000 / per_cpu:.2f} ms of CPU an article)")
        sample = paths[: args.baseline]
        seconds, cpu = baseline(sample)
        base_rate, base_cpu_rate = (len(sample) - 1) / seconds, (len(sample) - 1) / cpu
        ours = (one["articles"] - 1) / (one["seconds"] - one["startup"])
        print(f"baseline search_dates, 1 process, after warm-up: {len(sample) - 1} articles in {seconds:.1f} s = "
              f"{base_rate:.1f} articles/s ({base_cpu_rate:.1f} per CPU-second)")
        print(f"speed-up on one core (after start-up): {ours / base_rate:.0f}x by wall time, "
              f"{per_cpu / base_cpu_rate:.0f}x by CPU time; memory at {half['articles']} vs {full['articles']} "
              f"articles: {half['peak_mb']:.0f} vs {full['peak_mb']:.0f} MB")
    seconds = merge_bench(args.mentions)
    print(f"merge of {args.mentions} mentions: {seconds:.1f} s")


if __name__ == "__main__":
    main()
