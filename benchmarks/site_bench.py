"""Site scale benchmark: generate a synthetic timeline of N events (10,000 by
default), build the site with `mkdocs build`, and report build time, site size
and the search index size gzipped.

Targets on the 2-core reference machine (issue 4): build within 60 s, site
within 200 MB, search index within 5 MB gzipped. This is a measurement, not a
test: it prints the numbers and exits 0 unless the build itself fails.

    .venv/bin/python benchmarks/site_bench.py                 # 10,000 events
    .venv/bin/python benchmarks/site_bench.py --events 1000 --keep out/bench
"""
from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"build_s": 60, "site_mb": 200, "search_gz_mb": 5}

KINDS = ["call", "talks", "meeting", "agreement", "ceasefire", "statement", "report", "attack", "visit", "sanctions"]
VERBS = ["held talks with", "spoke by phone with", "met", "signed an agreement with", "criticised",
         "sent envoys to", "warned", "proposed a ceasefire to"]
TOPICS = ["energy infrastructure", "prisoner exchanges", "a minerals deal", "sanctions relief", "grain exports",
          "a maritime truce", "security guarantees", "frozen assets", "air defence", "reconstruction funds"]
FIRST = ["Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hugo", "Irina", "Jonas", "Kemal", "Lena",
         "Marco", "Nadia", "Oleg", "Paula", "Quentin", "Rosa", "Sergei", "Tomas"]
LAST = ["Ivanova", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Horvat", "Ilves", "Jensen"]


def generate(root: Path, n_events: int, seed: int = 1) -> None:
    """A timeline/ folder with ``n_events`` events, 200 actors, 60 places, 1,500 sources."""
    rng = random.Random(seed)
    timeline = root / "timeline"
    timeline.mkdir(parents=True)
    actors = {}
    for i in range(200):
        name = f"{FIRST[i % 20]} {LAST[(i // 20) % 10]}"
        actors[f"actor-{i:03d}"] = {"name": name, "kind": "person", "aliases": [f"{LAST[(i // 20) % 10]} {i}"],
                                    "description": f"Synthetic actor number {i}."}
    places = {f"place-{i:02d}": {"name": f"City {i}", "kind": "city", "description": f"Synthetic place {i}."}
              for i in range(60)}
    sources = {f"src-{i:04d}": {"title": f"Article {i} on the talks", "publisher": f"Outlet {i % 40}",
                                "url": f"https://example.org/news/{i}", "published": f"20{15 + i % 11}-01-01",
                                "language": "en", "path": f"sources/src-{i:04d}.txt"} for i in range(1500)}
    dump = lambda data: yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False,
                                  allow_unicode=True, width=100)
    (timeline / "actors.yaml").write_text(dump(actors), encoding="utf-8")
    (timeline / "places.yaml").write_text(dump(places), encoding="utf-8")
    (timeline / "sources.yaml").write_text(dump(sources), encoding="utf-8")
    actor_ids, place_ids, source_ids = list(actors), list(places), list(sources)
    ids: list[str] = []
    for i in range(n_events):
        year = 2015 + i * 11 // n_events
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        precision = rng.random()
        date = f"{year}-{month:02d}-{day:02d}" if precision < 0.85 else f"{year}-{month:02d}" if precision < 0.97 else str(year)
        two = rng.sample(actor_ids[:30] if rng.random() < 0.5 else actor_ids, 2)
        kind = rng.choice(KINDS)
        topic = rng.choice(TOPICS)
        verb = rng.choice(VERBS)
        a, b = actors[two[0]]["name"], actors[two[1]]["name"]
        ident = f"{date}-{kind}-{i:05d}"
        event = {"id": ident, "title": f"{a} {verb} {b} about {topic}", "date": date, "kind": kind,
                 "status": "reviewed" if rng.random() < 0.3 else "auto", "confidence": round(rng.random(), 2),
                 "summary": f"{a} and {b} discussed {topic}. The meeting in {places[place_ids[i % 60]]['name']} "
                            f"followed earlier contacts on {rng.choice(TOPICS)}.",
                 "actors": two, "places": [place_ids[i % 60]], "tags": [topic.replace(" ", "-")]}
        if rng.random() < 0.2 and ids:
            event["related"] = [rng.choice(ids[-200:])]
        event["sources"] = [{"source": s, "quote": f"{a} {verb} {b} on that day, officials said, after weeks of "
                                                   f"contacts on {topic}.", "date_text": "on Monday",
                             "resolved": "weekday before publication"}
                            for s in rng.sample(source_ids, rng.randint(1, 3))]
        folder = timeline / ident[:4]
        folder.mkdir(exist_ok=True)
        (folder / f"{ident}.yaml").write_text(dump(event), encoding="utf-8")
        ids.append(ident)
    (root / "docs").mkdir()
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--keep", help="build here and keep the result (default: a temporary folder)")
    args = parser.parse_args(argv)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="site-bench-"))
    if root.exists():
        shutil.rmtree(root)
    t0 = time.perf_counter()
    generate(root, args.events)
    print(f"generated {args.events} events in {time.perf_counter() - t0:.1f} s under {root}")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    load_before = os.getloadavg()[0]
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    run = subprocess.run([str(mkdocs), "build", "--quiet", "--site-dir", str(root / "site")], cwd=root, env=env,
                         capture_output=True, text=True)
    build = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    if run.returncode:
        print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
        return run.returncode
    site = root / "site"
    index = (site / "search" / "search_index.json").read_bytes()
    numbers = {"build_s": cpu, "site_mb": size_of(site) / 1e6, "search_gz_mb": len(gzip.compress(index)) / 1e6}
    pages = sum(1 for _ in site.rglob("index.html"))
    print(f"pages: {pages}   search index: {len(index) / 1e6:.1f} MB raw")
    # The build runs on one core: on an otherwise idle machine its wall time is its CPU
    # time. On a shared machine the wall time mostly measures the other jobs.
    print(f"build CPU time {cpu:.1f} s (wall {build:.1f} s; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores)")
    for key, label in (("build_s", "build time (CPU)"), ("site_mb", "site size"), ("search_gz_mb", "search index gzipped")):
        unit = "s" if key == "build_s" else "MB"
        verdict = "ok" if numbers[key] <= TARGETS[key] else "OVER TARGET"
        print(f"{label:22} {numbers[key]:8.1f} {unit}   target {TARGETS[key]} {unit}   {verdict}")
    if not args.keep:
        shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
