"""Budget of the <timeline-embed> widget: gzipped size and first render in Chromium.

    .venv/bin/python benchmarks/widget_bench.py            # 1,000 and 10,000 events, 5 runs each
    .venv/bin/python benchmarks/widget_bench.py --runs 9 --sizes 1000 10000 50000

Generates synthetic events shaped like the site's events.json (titles, Markdown
summaries, actors, places, tags, sources with quotes), serves them with the
widget from a local HTTP server, and loads a page embedding the widget in
headless Debian Chromium. "First render" is measured with performance.now()
inside the page, from the moment the response body has arrived until the first
frame after the events are in the DOM: JSON parsing, checking every record,
sorting, filtering, layout of the visible items, style and paint. Headline: the
widget added to a page already on screen; beside it, the widget in the page's
HTML (its first frame then also holds the page's own first frame), the download
before it, and the cost of a scroll step along the whole axis.
Budget (issue 5): JS + CSS at most 15 KB gzipped; 1,000 events within 100 ms;
10,000 within 500 ms.
This is a measurement, not a timed test; it prints and exits 0.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import random
import shutil
import statistics
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMBED = ROOT / "builder" / "embed"
BUDGET = {"gzip_kb": 15, 1000: 100, 10_000: 500}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

ACTORS = ["Donald Trump", "Vladimir Putin", "Volodymyr Zelensky", "Marco Rubio", "Sergei Lavrov", "Emmanuel Macron",
          "Keir Starmer", "Xi Jinping", "Recep Tayyip Erdoğan", "Ursula von der Leyen", "NATO", "European Union"]
PLACES = ["Washington", "Moscow", "Kyiv", "Istanbul", "Riyadh", "Geneva", "Brussels", "Paris", "London", "Beijing"]
KINDS = ["phone call", "meeting", "talks", "agreement", "statement", "sanctions", "ceasefire", "summit"]
TAGS = ["ukraine-war", "us-russia", "sanctions", "energy", "economy", "nato", "prisoners", "minerals"]
VERBS = ["hold talks on", "discuss", "sign a deal on", "issue a statement on", "meet to discuss", "announce a plan for"]
TOPICS = ["an energy truce", "a prisoner exchange", "sanctions relief", "a minerals deal", "a ceasefire", "grain exports"]


def synthetic(n: int, seed: int = 5) -> dict:
    rnd = random.Random(seed)
    events = []
    for i in range(n):
        year = 2000 + rnd.randrange(26)
        month, day = rnd.randrange(1, 13), rnd.randrange(1, 29)
        precision = rnd.random()
        start = f"{year}" if precision < .03 else f"{year}-{month:02}" if precision < .15 else f"{year}-{month:02}-{day:02}"
        actors = rnd.sample(ACTORS, rnd.randrange(1, 4))
        title = f"{' and '.join(actors[:2])} {rnd.choice(VERBS)} {rnd.choice(TOPICS)}"
        eid = f"{start}-{i:05}-synthetic"
        event = {
            "id": eid, "start": start, "title": title,
            "summary": f"**{actors[0]}** and others {rnd.choice(VERBS)} {rnd.choice(TOPICS)}. " * 3,
            "kind": rnd.choice(KINDS), "status": "reviewed", "actors": actors,
            "places": rnd.sample(PLACES, rnd.randrange(0, 3)), "tags": rnd.sample(TAGS, rnd.randrange(1, 3)),
            "url": f"events/{eid}/",
            "sources": [{"source": f"article-{i}-{k}", "quote": f"The two sides {rnd.choice(VERBS)} {rnd.choice(TOPICS)}.",
                         "publisher": rnd.choice(["Reuters", "AP", "BBC", "TASS"]), "url": f"https://example.com/{i}/{k}"}
                        for k in range(rnd.randrange(1, 4))],
        }
        if precision > .97:
            event["end"] = f"{year}-{month:02}-{min(28, day + 2):02}"
        events.append(event)
    events.sort(key=lambda e: (e["start"], e["id"]))  # the site exports oldest first
    return {"events": events}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<script type="module" src="embed/timeline.js"></script></head>
<body><timeline-embed src="events-{n}.json" layout="{layout}"></timeline-embed></body></html>"""

# The same page before the widget is added: the bench adds it once the page has been drawn.
WARM_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>
<script type="module" src="embed/timeline.js"></script></head><body><h1>A page</h1></body></html>"""
ADD = """([n, layout]) => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => {
  const el = document.createElement('timeline-embed');
  el.setAttribute('src', `events-${n}.json`);
  el.setAttribute('layout', layout);
  document.body.append(el);
  ok();
})))"""

# Runs before the page's scripts: when the widget says it is ready, wait for the next frame.
PROBE = """
document.addEventListener('timeline-ready', (e) => {
  const d = e.detail;
  requestAnimationFrame(() => setTimeout(() => {
    const now = performance.now();
    window.__bench = { total: now - d.start, render: now - d.clock.received, load: d.clock.received - d.start, parse: d.clock.parsed - d.clock.received, merge: d.clock.merged - d.clock.parsed, frame: now - d.start - d.ms, own: d.renderMs, shown: d.shown, rendered: d.rendered };
  }));
});
"""


# Scrolling: jump along the whole axis in 200 steps; each step is what a scroll event costs
# (the widget drops the items that left the view and draws those that came in, then layout).
SCROLL = """
(() => {
  const el = document.querySelector('timeline-embed'), sc = el.shadowRoot.querySelector('.scroller');
  const span = sc.scrollWidth - sc.clientWidth, times = [];
  let most = 0;
  for (let k = 0; k <= 200; k++) {
    const t = performance.now();
    sc.scrollLeft = span * k / 200;
    el._paint();
    sc.getBoundingClientRect(); el.shadowRoot.querySelector('li.card').offsetWidth;  // force layout
    times.push(performance.now() - t);
    most = Math.max(most, el.shadowRoot.querySelectorAll('li.card').length);
  }
  times.sort((a, b) => a - b);
  return { median: times[100], worst: times[200], most };
})()
"""


def sizes() -> dict:
    out = {}
    for name in ("timeline.js", "timeline.css"):
        data = (EMBED / name).read_bytes()
        out[name] = (len(data), len(gzip.compress(data, 9)))
    both = b"".join((EMBED / n).read_bytes() for n in ("timeline.js", "timeline.css"))
    out["total"] = (len(both), sum(v[1] for v in out.values()))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--layout", choices=["horizontal", "vertical"], default="horizontal")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="widget-bench-"))
    try:
        shutil.copytree(EMBED, tmp / "embed")
        mb = {}
        for n in args.sizes:
            text = json.dumps(synthetic(n), ensure_ascii=False)
            (tmp / f"events-{n}.json").write_text(text, encoding="utf-8")
            (tmp / f"bench-{n}.html").write_text(PAGE.format(n=n, layout=args.layout))
            (tmp / f"warm-{n}.html").write_text(WARM_PAGE)
            mb[n] = len(text.encode()) / 1e6
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"

        size = sizes()
        print(f"size  timeline.js {size['timeline.js'][1] / 1024:.1f} KB gz ({size['timeline.js'][0] / 1024:.1f} KB), "
              f"timeline.css {size['timeline.css'][1] / 1024:.1f} KB gz ({size['timeline.css'][0] / 1024:.1f} KB); "
              f"JS+CSS {size['total'][1] / 1024:.1f} KB gzipped (budget {BUDGET['gzip_kb']} KB)")
        try:
            load = os.getloadavg()[0]
            print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f}; layout {args.layout}; median of {args.runs} runs")
        except OSError:
            pass
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            for n in args.sizes:
                runs = []
                warm = []
                for _ in range(args.runs + 1):  # the first run warms the browser's caches and is dropped
                    context = browser.new_context(viewport={"width": 1200, "height": 800})
                    context.add_init_script(PROBE)
                    page = context.new_page()
                    page.goto(f"{base}/bench-{n}.html")
                    page.wait_for_function("() => window.__bench", timeout=60_000)
                    runs.append(page.evaluate("window.__bench"))
                    runs[-1]["scroll"] = page.evaluate(SCROLL)
                    context.close()
                    # The widget added to a page that is already on screen (the page's own first
                    # frame, a cost of the browser, is then not counted in the widget's).
                    context = browser.new_context(viewport={"width": 1200, "height": 800})
                    context.add_init_script(PROBE)
                    page = context.new_page()
                    page.goto(f"{base}/warm-{n}.html")
                    page.evaluate(ADD, [n, args.layout])
                    page.wait_for_function("() => window.__bench", timeout=60_000)
                    warm.append(page.evaluate("window.__bench"))
                    context.close()
                warm = warm[1:]
                runs = runs[1:]
                med = {k: statistics.median(r[k] for r in runs) for k in ("render", "load", "total", "own", "parse", "merge", "frame")}
                shown = statistics.median(r["render"] for r in warm)
                budget = BUDGET.get(n)
                verdict = "" if budget is None else f" ({'within' if shown <= budget else 'OVER'} the {budget} ms budget)"
                print(f"{n:>7,} events ({mb[n]:.1f} MB JSON): first render median {shown:.0f} ms{verdict}, best {min(r['render'] for r in warm):.0f} ms\n"
                      f"        (widget added to a page on screen; runs {', '.join('%.0f' % r['render'] for r in warm)} ms)\n"
                      f"        in a page still loading: median {med['render']:.0f} ms, best {min(r['render'] for r in runs):.0f} ms "
                      f"(runs {', '.join('%.0f' % r['render'] for r in runs)} ms), of which JSON.parse {med['parse']:.0f} ms, "
                      f"reading records {med['merge']:.0f} ms, filter+layout+DOM {med['own']:.0f} ms, style+paint to the next "
                      f"frame (with the page's own first frame) {med['frame']:.0f} ms; download before it {med['load']:.0f} ms\n"
                      f"        scrolling the whole axis in 200 jumps: median {statistics.median(r['scroll']['median'] for r in runs):.1f} ms "
                      f"a step, worst {max(r['scroll']['worst'] for r in runs):.1f} ms, at most "
                      f"{max(r['scroll']['most'] for r in runs)} items in the DOM")
            browser.close()
        server.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
