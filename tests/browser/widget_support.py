"""Fixtures for the <timeline-embed> browser tests.

Two local origins, as in real use: the *data* origin serves a miniature site
(``events.json``, per-year files, ``embed/`` with the widget) with
``Access-Control-Allow-Origin: *`` like GitHub Pages; the *host* origin serves
the plain pages that embed it, under a strict Content-Security-Policy.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EMBED = ROOT / "builder" / "embed"
FIXTURES = ROOT / "tests" / "fixtures" / "widget"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class _Handler(SimpleHTTPRequestHandler):
    extra_headers: dict = {}
    pages: dict = {}
    log: list = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def end_headers(self):
        for key, value in self.extra_headers.items():
            self.send_header(key, value)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        self.log.append(self.path)
        if self.path == "/favicon.ico":  # browsers ask; answer quietly rather than log a 404
            self.send_response(204)
            self.end_headers()
            return
        page = self.pages.get(self.path.split("?")[0])
        if page is None:
            return super().do_GET()
        body = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Origin:
    """A threaded static server on 127.0.0.1 with its own headers and in-memory pages."""

    def __init__(self, directory: Path, headers: dict | None = None):
        handler = type("Handler", (_Handler,), {"extra_headers": dict(headers or {}), "pages": {}, "log": []})
        self.handler = handler
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requests(self) -> list:
        return self.handler.log

    def page(self, path: str, html: str) -> str:
        self.handler.pages[path] = html
        return self.url + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def build_data_site(target: Path) -> Path:
    """A miniature published site: the widget under embed/, the fixtures at the root,
    and events.json split by year as the site's exporter does."""
    shutil.copytree(EMBED, target / "embed")
    for path in FIXTURES.glob("*.json"):
        shutil.copy(path, target / path.name)
    events = json.loads((FIXTURES / "events.json").read_text())["events"]
    for year in sorted({e["start"][:4] for e in events}):
        subset = [e for e in events if e["start"][:4] == year]
        (target / f"events-{year}.json").write_text(json.dumps({"events": subset}))
    for event in events:  # the pages the items link to
        page = target / "events" / event["id"] / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{event["id"]}</title></head>'
                        f'<body><h1>{event["id"]}</h1></body></html>')
    return target


@pytest.fixture(scope="session")
def widget_data(tmp_path_factory):
    site = build_data_site(tmp_path_factory.mktemp("widget-site"))
    origin = Origin(site, {"Access-Control-Allow-Origin": "*"})
    origin.root = site
    yield origin
    origin.close()


def host_csp(data_url: str) -> str:
    """Strict: no inline script or style, no eval; only the widget's origin is trusted."""
    return (
        f"default-src 'self'; script-src 'self' {data_url}; style-src 'self' {data_url}; "
        f"connect-src 'self' {data_url}; img-src 'self'; frame-src {data_url}; object-src 'none'; base-uri 'none'"
    )


@pytest.fixture(scope="session")
def widget_host(widget_data, tmp_path_factory):
    origin = Origin(tmp_path_factory.mktemp("widget-host"), {"Content-Security-Policy": host_csp(widget_data.url)})
    yield origin
    origin.close()


@pytest.fixture(scope="session")
def widget_browser(request):
    """The suite's shared Chromium when tests/browser/conftest.py provides one, else our own."""
    try:
        shared = request.getfixturevalue("browser")
        if hasattr(shared, "new_context"):
            yield shared
            return
    except (Exception, pytest.fail.Exception):  # no such fixture, or a narrower scope
        pass
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Recorded in every page, before any of its scripts: CSP violations and alert() calls.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


class Visit:
    """One browser context: a page plus what went wrong in it."""

    def __init__(self, browser, width=1200, height=800, color_scheme="light", reduced_motion="no-preference"):
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=color_scheme, reduced_motion=reduced_motion
        )
        self.context.add_init_script(WATCH)
        self.external: list[str] = []
        self.context.route("**/*", self._offline)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def _offline(self, route):
        """The test machine is offline: requests to other hosts (a theme asking GitHub for
        stars) get an empty answer and are listed in ``external``."""
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            return route.continue_()
        self.external.append(url)
        return route.fulfill(status=204, body="")

    def violations(self, frame=None) -> list:
        return (frame or self.page).evaluate("window.__violations || []")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(widget_browser):
    opened = []

    def open_(**kwargs) -> Visit:
        v = Visit(widget_browser, **kwargs)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


def host_page(data_url: str, body: str, title: str = "Host page") -> str:
    """A plain page of another website that embeds the widget (no inline script or style)."""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<script type="module" src="{data_url}/embed/timeline.js"></script></head>'
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    )


def wait_ready(page, selector="timeline-embed", states=("ready",), timeout=10_000):
    """Wait until the widget has settled; returns its data-state."""
    page.wait_for_function(
        "([sel, states]) => { const el = document.querySelector(sel); return el && states.includes(el.dataset.state); }",
        arg=[selector, list(states)],
        timeout=timeout,
    )
    return page.eval_on_selector(selector, "el => el.dataset.state")


def shot(page, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def widget_site(tmp_path_factory):
    """The site fixture (tests/fixtures/site) built with `mkdocs build --strict`, with the
    embed page (docs/embed.md and its assets), served with CORS as GitHub Pages does."""
    project = tmp_path_factory.mktemp("widget-site-project")
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "timeline", project / "timeline")
    (project / "docs" / "assets").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "embed.md", project / "docs" / "embed.md")
    for path in (ROOT / "docs" / "assets").glob("embed*"):
        shutil.copy(path, project / "docs" / "assets" / path.name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, capture_output=True,
                         text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), timeout=300)
    assert run.returncode == 0, run.stderr
    origin = Origin(project / "site", {"Access-Control-Allow-Origin": "*"})
    origin.root = project / "site"
    yield origin
    origin.close()
