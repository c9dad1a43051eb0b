"""The built site in headless Chromium, used as a reader and an editor would."""
from __future__ import annotations

import re

import pytest

from conftest import AXE

pytestmark = pytest.mark.browser

THIRD_CALL = "2025-05-19-trump-putin-two-hour-phone-call"
THIRD_CALL_TITLE = "Trump and Putin talk for two hours about a ceasefire memorandum"


@pytest.fixture
def site_url(built_site, serve):
    return serve(built_site)


def no_errors(page):
    assert page.errors == [], page.errors
    assert all(u.startswith("https://api.github.com/") for u in page.external), page.external


def test_home_loads_with_latest_events_and_the_visual_timeline(page, site_url, built_site, artifacts):
    page.goto(site_url)
    assert page.locator("article h1").inner_text() == "Trump–Putin timeline"
    assert page.get_by_role("link", name=THIRD_CALL_TITLE).first.is_visible()
    if (built_site / "embed" / "timeline.js").exists():
        assert page.locator("timeline-embed").count() == 1
        page.wait_for_timeout(500)  # let the widget render before the picture
    page.screenshot(path=str(artifacts / "site-home.png"), full_page=True)
    no_errors(page)


def test_clicking_an_event_opens_its_page(page, site_url, artifacts):
    page.goto(site_url)
    page.locator("article ul.tl-events").get_by_role("link", name=THIRD_CALL_TITLE).click()
    page.wait_for_url(re.compile(f"events/{THIRD_CALL}/$"))
    assert page.locator("article h1").inner_text() == THIRD_CALL_TITLE
    assert "19 May 2025" in page.locator(".tl-when").inner_text()
    assert "3rd call" in page.locator(".tl-thread").inner_text()
    page.screenshot(path=str(artifacts / "site-event.png"), full_page=True)
    no_errors(page)


def test_the_events_actor_page_lists_it(page, site_url):
    page.goto(site_url + f"events/{THIRD_CALL}/")
    page.locator(".tl-facts").get_by_role("link", name="Vladimir Putin").click()
    page.wait_for_url(re.compile("actors/putin/$"))
    assert page.locator("article").get_by_role("link", name=THIRD_CALL_TITLE).count() == 1
    no_errors(page)


def test_search_finds_an_event_by_a_word_of_its_title(page, site_url):
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially("memorandum", delay=30)
    result = page.locator(".md-search-result__item a").filter(has_text="two hours")
    result.first.wait_for(timeout=15000)
    result.first.click()
    page.wait_for_url(re.compile(f"events/{THIRD_CALL}/"))
    no_errors(page)


def test_search_works_from_an_event_page_with_the_shared_theme_scripts(page, site_url):
    page.goto(site_url + f"events/{THIRD_CALL}/")
    # the theme's config and storage helpers come from assets/timeline-theme.js, rooted at the site
    assert page.evaluate("__md_scope.href") == site_url
    assert page.evaluate("JSON.parse(document.getElementById('__config').textContent).base") == site_url
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially("minerals", delay=30)
    result = page.locator(".md-search-result__item a")
    result.first.wait_for(timeout=15000)
    result.first.click()
    page.wait_for_url(re.compile("events/[^/]+/"))
    assert "minerals" in page.locator("article").inner_text().lower()
    no_errors(page)


def test_edit_link_points_to_the_event_yaml_file(page, site_url):
    page.goto(site_url + f"events/{THIRD_CALL}/")
    edit = page.locator("a[rel=edit]")
    assert edit.is_visible()
    assert edit.get_attribute("href").endswith(f"/edit/main/timeline/2025/{THIRD_CALL}.yaml")
    no_errors(page)


def test_hostile_title_shows_as_text_and_runs_nothing(page, site_url):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(site_url + "events/2025-05-20-hostile-title-script-tags/")
    assert page.locator("article h1").inner_text() == \
        'Envoy says {{ config.site_name }} </script><script>alert("title")</script> & more'
    assert "<script>alert(\"summary\")</script>" in page.locator(".tl-summary").inner_text()
    assert page.title().startswith("Envoy says {{ config.site_name }} </script>")
    page.wait_for_timeout(200)
    assert dialogs == []
    no_errors(page)


@pytest.mark.parametrize("path", ["", f"events/{THIRD_CALL}/", "actors/putin/", "threads/call-trump-putin/",
                                  "2025/05/", "data/", "edit/", "sources/"])
def test_no_serious_accessibility_violations(page, site_url, path):
    page.goto(site_url + path)
    page.add_script_tag(path=str(AXE))
    page.wait_for_timeout(300)  # the home page's widget renders its events first
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], "\n".join(map(str, serious))
