"""The site's own use of the widget: the home page shows its timeline with it
(dogfooding), and the embed page previews it live and writes code that works
when pasted into a page of another website.
"""
from __future__ import annotations

import json

import pytest

try:
    from .widget_support import Origin, host_page, shot, visit, wait_ready, widget_browser, widget_host, widget_site, widget_data  # noqa: F401
except ImportError:
    from widget_support import Origin, host_page, shot, visit, wait_ready, widget_browser, widget_host, widget_site, widget_data  # noqa: F401

pytestmark = pytest.mark.browser

COUNT = "el => el.shadowRoot.querySelector('.count').textContent"
EMBED_PAGE = "/embed/about/"


def site_events(widget_site):
    return json.loads((widget_site.root / "events.json").read_text())["events"]


def test_home_page_shows_the_timeline_with_the_widget(visit, widget_site):
    v = visit(width=1280, height=900)
    v.page.goto(widget_site.url + "/")
    assert wait_ready(v.page) == "ready"
    events = site_events(widget_site)
    widget = v.page.locator("timeline-embed")
    assert widget.evaluate(COUNT) == f"{len(events)} events"
    link = v.page.locator("li.card.current a.title")
    href = link.get_attribute("href")
    assert href.startswith(widget_site.url + "/events/")
    assert (widget_site.root / href[len(widget_site.url) + 1:] / "index.html").is_file()
    shot(v.page, "site-home")
    assert v.errors == []


def test_home_page_widget_follows_the_site_color_scheme_not_only_the_system(visit, widget_site):
    """theme="auto" on a page that declares its color-scheme (mkdocs-material does) follows the
    page: light on the light site even for a reader whose system is dark, dark on a slate page."""
    v = visit(width=1280, height=900, color_scheme="dark")
    v.page.goto(widget_site.url + "/")
    wait_ready(v.page)
    background = "el => getComputedStyle(el.shadowRoot.querySelector('.tl')).backgroundColor"
    widget = v.page.locator("timeline-embed")
    assert v.page.evaluate("getComputedStyle(document.body).colorScheme") == "light"
    assert widget.evaluate(background) == "rgb(255, 255, 255)"
    v.page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")  # material's dark scheme
    v.page.wait_for_function("() => document.querySelector('timeline-embed').dataset.scheme === 'dark'")
    assert widget.evaluate(background) == "rgb(22, 27, 34)"


def test_embed_page_previews_the_choices_and_writes_the_code(visit, widget_site):
    v = visit(width=1280, height=900)
    v.page.goto(widget_site.url + EMBED_PAGE)
    wait_ready(v.page, "#embed-preview timeline-embed")
    page = v.page
    preview = page.locator("#embed-preview timeline-embed")
    events = site_events(widget_site)
    actor = "Vladimir Putin"
    want = [e for e in events if actor in e["actors"]]
    assert want, "the site fixture has events of this actor"
    page.wait_for_function("() => document.querySelector('#embed-form select[name=actor]').options.length > 1")
    page.select_option("#embed-form select[name=actor]", actor)
    page.select_option("#embed-form select[name=theme]", "dark")
    page.wait_for_function(
        "n => document.querySelector('#embed-preview timeline-embed').shadowRoot.querySelector('.count').textContent.startsWith(n + ' of')",
        arg=len(want))
    assert preview.get_attribute("theme") == "dark"
    script = page.locator("#snippet-script").inner_text()
    assert f'<script type="module" src="{widget_site.url}/embed/timeline.js"></script>' in script
    assert f'<timeline-embed src="{widget_site.url}/events.json" actor="{actor}" theme="dark"><a href="{widget_site.url}/">' in script
    assert script.endswith("</a></timeline-embed>")
    iframe = page.locator("#snippet-iframe").inner_text()
    assert f'src="{widget_site.url}/embed/?actor=Vladimir+Putin&amp;theme=dark"' in iframe
    assert 'sandbox="allow-scripts allow-popups allow-top-navigation-by-user-activation"' in iframe
    shot(page, "site-embed-page")
    assert v.errors == []


def test_copy_button_puts_the_code_on_the_clipboard(visit, widget_site):
    v = visit(width=1280, height=900)
    v.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=widget_site.url)
    v.page.goto(widget_site.url + EMBED_PAGE)
    wait_ready(v.page, "#embed-preview timeline-embed")
    v.page.fill("#embed-form input[name=from]", "2025-05")
    v.page.locator("[data-copy=snippet-script]").click()
    v.page.wait_for_function("() => document.getElementById('embed-status').textContent.includes('Copied')")
    copied = v.page.evaluate("navigator.clipboard.readText()")
    assert copied == v.page.locator("#snippet-script").inner_text()
    assert 'from="2025-05"' in copied


def test_the_generated_code_works_on_another_website(visit, widget_site, tmp_path):
    """Paste both snippets into pages of another origin: the script one under a strict CSP
    that allows the timeline site, the iframe one as is."""
    v = visit(width=1280, height=900)
    v.page.goto(widget_site.url + EMBED_PAGE)
    wait_ready(v.page, "#embed-preview timeline-embed")
    v.page.wait_for_function("() => document.querySelector('#embed-form select[name=actor]').options.length > 1")
    v.page.select_option("#embed-form select[name=actor]", "Vladimir Putin")
    v.page.fill("#embed-form input[name=to]", "2025-05")
    v.page.locator("#embed-form input[name=to]").dispatch_event("change")
    script = v.page.locator("#snippet-script").inner_text()
    iframe = v.page.locator("#snippet-iframe").inner_text()
    preview_count = v.page.locator("#embed-preview timeline-embed").evaluate(COUNT)

    csp = (f"default-src 'self'; script-src 'self' {widget_site.url}; style-src 'self' {widget_site.url}; "
           f"connect-src 'self' {widget_site.url}; frame-src {widget_site.url}; object-src 'none'; base-uri 'none'")
    blog = Origin(tmp_path, {"Content-Security-Policy": csp})
    try:
        other = visit(width=900, height=900)
        other.page.goto(blog.page("/pasted-script.html", f"<!doctype html><title>A blog</title><h1>A blog</h1>{script}"))
        assert wait_ready(other.page) == "ready"
        assert other.page.locator("timeline-embed").evaluate(COUNT) == preview_count
        assert other.errors == [] and other.violations() == []
        fallback = other.page.locator("timeline-embed > a")
        assert fallback.count() == 1 and not fallback.is_visible()  # shown only where the script cannot run

        # Where the script cannot run, the reader gets the link instead of a blank box.
        broken = script.replace("/embed/timeline.js", "/embed/missing.js")
        fourth = visit(width=900, height=900)
        fourth.page.goto(blog.page("/pasted-broken.html", f"<!doctype html><title>A blog</title><h1>A blog</h1>{broken}"))
        assert fourth.page.locator("timeline-embed > a").is_visible()

        third = visit(width=900, height=900)
        third.page.goto(blog.page("/pasted-iframe.html", f"<!doctype html><title>A blog</title><h1>A blog</h1>{iframe}"))
        third.page.frame_locator("iframe").locator("li.card").first.wait_for()
        inner = third.page.frames[1]
        assert inner.evaluate("document.querySelector('timeline-embed').shadowRoot.querySelector('.count').textContent") == preview_count
        assert third.errors == [] and third.violations() == []
    finally:
        blog.close()
