"""The whole site: a real `mkdocs build` of the fixture timeline, looked at as files.

The fixture (tests/fixtures/site/) holds a thread of three Trump–Putin calls, a
span, month- and year-precision events, a rejected event, an actor missing from
the registry and an event whose title and summary try to inject HTML, script
and template code.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "site"
EMBED = ROOT / "builder" / "embed"
HOSTILE = "2025-05-20-hostile-title-script-tags"
THIRD_CALL = "2025-05-19-trump-putin-two-hour-phone-call"


def make_project(where: Path, *overlays: Path) -> Path:
    """A project folder like the repository's: mkdocs.yml, docs/, timeline/ (the fixture)."""
    shutil.copytree(FIXTURE / "timeline", where / "timeline")
    for overlay in overlays:
        shutil.copytree(overlay, where / "timeline", dirs_exist_ok=True)
    (where / "docs").mkdir()
    shutil.copy(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    return where


def mkdocs_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("project"))
    run = mkdocs_build(project, "--strict")
    assert run.returncode == 0, run.stderr
    return project / "site"


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8") if not url.endswith((".json", ".xml", ".csv", ".ics")) \
        else (site / url).read_text(encoding="utf-8")


def article(html: str) -> str:
    return html[html.index('<article'):html.index('</article>')]


def test_strict_build_of_the_clean_fixture_makes_every_kind_of_page(site):
    for url in ["", "events/2025-02-12-trump-putin-hold-phone-call/", f"events/{THIRD_CALL}/",
                "events/2025-05-08-victory-day-truce/", "actors/", "actors/trump/", "places/istanbul/",
                "kinds/call/", "tags/ukraine-war/", "sources/global-times-putin-trump-hold-phone-talks/",
                "threads/", "threads/call-trump-putin/", "2025/", "2025/05/", "2025/04/", "archive/", "edit/",
                "data/"]:
        assert (site / url / "index.html").is_file(), url
    for name in ["events.json", "events-2025.json", "timeline.json", "timeline.ics", "feed.xml", "events.csv"]:
        assert (site / name).stat().st_size > 100, name


def test_rejected_event_is_not_published(site):
    assert not (site / "events" / "2025-05-21-rejected-boilerplate-event").exists()
    assert "rejected-boilerplate" not in read(site, "events.json")
    assert "newsletter" not in read(site, "2025/05/")


def test_hostile_title_and_summary_show_as_text(site):
    html = read(site, f"events/{HOSTILE}/")
    body = article(html)
    assert "&lt;/script&gt;&lt;script&gt;alert(" in body
    assert "{{ config.site_name }}" in body  # shown literally, never evaluated
    assert "&lt;script&gt;alert(&quot;summary&quot;)" in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    assert "<img" not in body
    assert not re.search(r"<script>alert", html)
    assert not re.search(r'href="\s*(javascript|data):', html, re.I)
    assert "[bad link](javascript:alert(3))" in body  # dropped as a link, kept as words
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "&lt;/script&gt;" in title
    # the quote cannot close the blockquote either
    assert "<blockquote>&lt;/blockquote&gt;&lt;script&gt;" in body


def test_source_url_with_javascript_scheme_is_not_linked(site):
    html = read(site, "sources/al-mayadeen-ft-trump-signals-retreat-from-ukraine/")
    assert "javascript:" not in html
    assert "Read the original article" not in html


def test_json_ld_describes_the_event_and_cannot_close_its_script(site):
    html = read(site, f"events/{HOSTILE}/")
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "</" not in raw
    data = json.loads(raw)
    assert data["@type"] == "Event" and data["startDate"] == "2025-05-20"
    assert data["name"].startswith("Envoy says {{ config.site_name }} </script>")


@pytest.mark.parametrize("event_id, shown", [
    ("2025-05-08-victory-day-truce", "8–10 May 2025"),
    ("2025-04-us-ukraine-minerals-deal-talks", "April 2025"),
    ("2025-us-russia-thaw", ">2025<"),
    ("2025-02-12-trump-putin-hold-phone-call", "12 February 2025"),
])
def test_event_date_is_shown_at_its_precision(site, event_id, shown):
    assert shown in article(read(site, f"events/{event_id}/"))


def test_third_call_is_numbered_in_its_thread_with_previous_and_next(site):
    body = article(read(site, f"events/{THIRD_CALL}/"))
    assert "3rd call" in body and "Trump–Putin calls" in body
    assert 'href="../../threads/call-trump-putin/"' in body
    assert 'href="../2025-03-18-trump-putin-discuss-energy-ceasefire/"' in body
    thread = article(read(site, "threads/call-trump-putin/"))
    assert thread.count("events/2025-0") == 3 and "1st call" in thread and "3rd call" in thread


def test_summary_mentions_link_to_their_pages_and_pages_list_what_links_to_them(site):
    body = article(read(site, f"events/{THIRD_CALL}/"))
    summary = body[body.index("tl-summary"):body.index("tl-details")]
    assert 'href="../2025-05-16-russia-ukraine-direct-talks-istanbul/"' in summary
    assert re.search(r'href="../../actors/russia/"[^>]*>Moscow</a>', summary)
    assert re.search(r'href="../../actors/ukraine/"[^>]*>Kyiv</a>', summary)
    assert 'rel="nofollow noopener"' in summary  # the external readout link
    talks = article(read(site, "events/2025-05-16-russia-ukraine-direct-talks-istanbul/"))
    assert "Linked from" in talks and THIRD_CALL in talks
    ukraine = article(read(site, "actors/ukraine/"))
    assert "Mentioned in" in ukraine and THIRD_CALL in ukraine


def test_actor_page_lists_its_events_and_threads(site):
    body = article(read(site, "actors/putin/"))
    for event_id in ["2025-02-12-trump-putin-hold-phone-call", "2025-03-18-trump-putin-discuss-energy-ceasefire",
                     THIRD_CALL, HOSTILE]:
        assert f"../../events/{event_id}/" in body
    assert "threads/call-trump-putin/" in body


def test_source_page_lists_each_event_with_its_quote(site):
    body = article(read(site, "sources/global-times-putin-trump-hold-phone-talks/"))
    assert "held a phone conversation with US President Donald Trump on Monday" in body
    assert "Istanbul on May 16" in body


def test_edit_link_points_at_the_event_yaml_file(site):
    html = read(site, f"events/{THIRD_CALL}/")
    href = re.search(r'<a href="([^"]+)" title="Edit this page"', html).group(1)
    assert href == f"https://github.com/news-timeline/builder/edit/main/timeline/2025/{THIRD_CALL}.yaml"


def test_unknown_actor_is_shown_unlinked_and_listed_for_editors(site):
    body = article(read(site, f"events/{HOSTILE}/"))
    assert '<span class="tl-unknown" title="not in the registry yet">Mystery Envoy</span>' in body
    assert "Mystery Envoy" in article(read(site, "actors/"))


def test_event_pages_stay_out_of_the_navigation(site):
    home = read(site, "")
    nav = home[home.index('md-nav--primary'):home.index('</nav>', home.index('md-nav--primary'))]
    assert "events/" not in nav and "Archive" in nav and "How to edit" in nav


def test_home_shows_latest_events_the_widget_and_browsing_by_month(site):
    body = article(read(site, ""))
    assert f'href="events/{HOSTILE}/"' in body
    assert 'href="2025/05/"' in body and 'href="2025/"' in body
    if (EMBED / "timeline.js").exists():
        assert '<script type="module" src="embed/timeline.js"></script><timeline-embed src="events.json"></timeline-embed>' in body


@pytest.mark.skipif(not EMBED.is_dir(), reason="the widget is not in builder/embed yet")
def test_widget_files_are_copied_verbatim(site):
    for path in EMBED.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert (site / "embed" / path.relative_to(EMBED)).read_bytes() == path.read_bytes()


def test_per_year_file_holds_that_years_events_in_the_contract_format(site):
    everything = json.loads(read(site, "events.json"))["events"]
    year = json.loads(read(site, "events-2025.json"))["events"]
    assert [e["id"] for e in year] == [e["id"] for e in everything if e["start"].startswith("2025")]
    assert {"start", "title", "summary", "sources", "url"} <= set(year[0])
    assert all("quote" not in s for e in year for s in e["sources"])  # the quotes are in events.json


def test_search_index_holds_titles_and_summaries_not_page_chrome(site):
    index = json.loads(read(site, "search/search_index.json"))
    docs = {d["location"]: d for d in index["docs"]}
    call = docs[f"events/{THIRD_CALL}/"]
    assert "two hours" in call["title"] and "memorandum" in call["text"]
    assert "Previous" not in call["text"] and "Sources" not in call["text"]
    assert not any(d["location"].startswith("2025/") for d in index["docs"])  # archives are lists of titles


def test_data_page_links_every_download(site):
    body = article(read(site, "data/"))
    for name in ["events.json", "events.csv", "timeline.ics", "feed.xml", "timeline.json", "events-2025.json"]:
        assert f'href="../{name}"' in body


def test_generated_pages_load_the_themes_scripts_from_one_shared_file(site):
    shared = (site / "assets" / "timeline-theme.js").read_text(encoding="utf-8")
    assert '"features": ["content.action.edit", "search.suggest", "search.highlight"]' in shared
    assert '"search": "assets/javascripts/workers/search.' in shared and "__md_get=" in shared
    for url, root in [("", ""), (f"events/{THIRD_CALL}/", "../../"), ("2025/05/", "../../")]:
        html = read(site, url)
        assert 'id="__config"' not in html and "__md_scope" not in html, url
        # the shared file runs before the theme's bundle, which reads the config it adds
        assert re.search(rf'<script src="{re.escape(root)}assets/timeline-theme.js"></script>'
                         rf'<script src="{re.escape(root)}assets/javascripts/bundle\.[0-9a-f]+\.min\.js">', html), url
    assert 'id="__config"' in (site / "404.html").read_text(encoding="utf-8")  # the theme's own pages keep theirs


def test_pages_lose_whitespace_between_blocks_but_not_between_inline_boxes(site):
    html = read(site, f"events/{THIRD_CALL}/")
    assert "</li><li>" in html and "</ol><h2>" in html
    # the repository widget's icon and name are inline blocks: the space between them shows
    assert re.search(r'<div class="md-source__icon md-icon">.*?</div>\s+<div class="md-source__repository">', html, re.S)


def test_sitemap_lists_every_page_once_without_the_build_date(site):
    sitemap = read(site, "sitemap.xml")
    assert sitemap.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    locs = re.findall(r"<url><loc>([^<]+)</loc></url>", sitemap)
    assert f"https://news-timeline.github.io/builder/events/{THIRD_CALL}/" in locs
    assert len(locs) == len(set(locs)) == sum(1 for _ in site.rglob("index.html")) - 1  # not embed/index.html
    assert "<lastmod>" not in sitemap


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.links.append(value)


def test_bad_data_still_builds_and_strict_fails_naming_the_files(tmp_path):
    project = make_project(tmp_path, FIXTURE / "broken")
    run = mkdocs_build(project)
    assert run.returncode == 0, run.stderr
    site = project / "site"
    page = article(read(site, "events/2025-05-22-dangling-related-id/"))
    assert '<span class="tl-unknown" title="no published event has this id">2025-01-01-no-such-event</span>' in page
    problems = article(read(site, "edit/"))
    assert "2025-05-23-broken-yaml.yaml" in problems and "2025-05-22-dangling-related-id.yaml" in problems
    strict = mkdocs_build(project, "--strict")
    assert strict.returncode != 0
    assert re.search(r"WARNING .*timeline/2025/2025-05-23-broken-yaml.yaml:\d+: YAML syntax", strict.stderr)
    assert "timeline/2025/2025-05-22-dangling-related-id.yaml" in strict.stderr
    assert "Mystery Envoy" not in "\n".join(l for l in strict.stderr.splitlines() if "WARNING" in l)


def test_mkdocs_serve_watches_the_timeline_and_the_articles(tmp_path):
    from mkdocs.config import load_config

    project = make_project(tmp_path)
    (project / "sources").mkdir()
    config = load_config(str(project / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    watched = []

    class Server:
        def watch(self, path, *args, **kwargs):
            watched.append(Path(path))

    config.plugins["timeline"].on_serve(Server(), config=config, builder=None)
    assert project / "timeline" in watched and project / "sources" in watched
