"""Shared fixtures for the browser tests (the site's and the widget's).

- ``browser``: headless Debian Chromium (session-wide; Playwright launches it
  with a fresh temporary user-data dir). ``chromium``: a browser of its own
  with an explicit fresh user-data dir, as a persistent BrowserContext.
- ``page``: a page in a new context of ``browser`` that records console
  errors and page errors in ``page.errors`` and answers requests to other hosts
  from a stub (the test machine is offline), listing them in ``page.external``.
- ``serve(folder)``: serves a folder over http on a free localhost port and
  returns its base URL ending in '/'; call it twice for two origins.
- ``built_site``: the site fixture (tests/fixtures/site) built once per session
  with `mkdocs build --strict`.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What material for MkDocs asks GitHub for (the repository's stars and forks).
GITHUB_STUB = {"stargazers_count": 0, "forks_count": 0, "tag_name": "v0.1.0", "default_branch": "main"}


def pytest_collection_modifyitems(items):
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (make browser installs it)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    """One headless Chromium for the session. Playwright gives every launch a fresh
    temporary user-data dir; each test then opens its own context."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def chromium(playwright, tmp_path):
    """A fresh browser with its own profile, closed after the test."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="UTC")
    yield context
    context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="UTC")
    page = context.new_page()
    page.errors = []
    page.external = []
    page.on("console", lambda m: page.errors.append(f"console {m.type}: {m.text} @ {m.location}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"page error: {e}"))

    def route(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "http://localhost:", "data:", "blob:")):
            return route.continue_()
        page.external.append(url)
        if url.startswith("https://api.github.com/"):
            return route.fulfill(status=200, content_type="application/json", body=json.dumps(GITHUB_STUB))
        return route.fulfill(status=204, body="")

    page.route("**/*", route)
    yield page
    context.close()


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="session")
def serve():
    """serve(folder) -> 'http://127.0.0.1:PORT/'; servers stop at the end of the session."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_Handler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The fixture timeline built into a real site with `mkdocs build --strict`."""
    project = tmp_path_factory.mktemp("site-project")
    shutil.copytree(ROOT / "tests" / "fixtures" / "site" / "timeline", project / "timeline")
    (project / "docs").mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, capture_output=True,
                         text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), timeout=300)
    assert run.returncode == 0, run.stderr
    return project / "site"


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
