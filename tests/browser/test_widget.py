"""<timeline-embed> used as a visitor would: embedded in a plain page of another
website (another origin, strict CSP), filtered, driven by keyboard, deep-linked,
themed, fed bad data and hostile text, and in its iframe form inside a sandbox.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest

try:
    from .widget_support import (FIXTURES, host_page, shot, visit, wait_ready, widget_browser,  # noqa: F401
                                 widget_data, widget_host)
except ImportError:  # collected without a package
    from widget_support import (FIXTURES, host_page, shot, visit, wait_ready, widget_browser,  # noqa: F401
                                widget_data, widget_host)

pytestmark = pytest.mark.browser

EVENTS = json.loads((FIXTURES / "events.json").read_text())["events"]
TODAY = dt.date.today().isoformat()
LATEST = [e for e in sorted(EVENTS, key=lambda e: e["start"]) if e["start"] <= TODAY][-1]

# Read from inside the shadow root.
CARDS = "el => [...el.shadowRoot.querySelectorAll('li.card')].map(li => li.dataset.id)"
CURRENT = "el => el.shadowRoot.querySelector('li.card.current')?.dataset.id"
MESSAGE = "el => el.shadowRoot.querySelector('.msg:not([hidden])')?.textContent || ''"
COUNT = "el => el.shadowRoot.querySelector('.count').textContent"


def embed(widget_host, widget_data, name, attrs="", before="", after="", fixture="events.json"):
    src = f'src="{widget_data.url}/{fixture}"' if fixture else ""
    return widget_host.page(
        f"/{name}.html",
        host_page(widget_data.url, f'{before}<timeline-embed {src} {attrs}></timeline-embed>{after}', title=name),
    )


def open_widget(visit, widget_host, widget_data, name, attrs="", states=("ready",), hash="", fixture="events.json", **kw):
    v = visit(**kw)
    v.page.goto(embed(widget_host, widget_data, name, attrs, fixture=fixture) + hash)
    v.state = wait_ready(v.page, states=states)
    v.el = v.page.locator("timeline-embed")
    return v


def ids(v):
    return v.el.evaluate(CARDS)


def clean(v):
    """Nothing went wrong in the page: no exception, no console error, no CSP violation, no dialog."""
    assert v.errors == [] and v.violations() == [] and v.dialogs == []


# ---- embedding ---------------------------------------------------------------------------------

def test_widget_on_another_origin_under_strict_csp_shows_every_event(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "plain")
    assert widget_host.url != widget_data.url
    assert v.el.evaluate(COUNT) == f"{len(EVENTS)} events"
    assert v.page.get_by_role("region", name="Timeline").is_visible()
    clean(v)


def test_opens_at_the_latest_event_that_is_not_in_the_future(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "latest")
    assert v.el.evaluate(CURRENT) == LATEST["id"]
    detail = v.page.get_by_role("region", name="Selected event")
    assert LATEST["title"] in detail.inner_text()


def test_item_links_go_to_the_event_page_on_the_data_site(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "links")
    link = v.page.locator("li.card.current a.title")
    assert link.get_attribute("href") == f"{widget_data.url}/events/{LATEST['id']}/"
    assert link.get_attribute("target") is None  # same tab on a host page


def test_wide_widget_is_a_horizontal_axis_and_narrow_one_a_vertical_list(visit, widget_host, widget_data):
    wide = open_widget(visit, widget_host, widget_data, "wide", width=1200)
    boxes = [b for b in (c.bounding_box() for c in wide.page.locator("li.card").all()) if b]
    assert len({round(b["y"]) for b in boxes}) == 1 and len(boxes) > 1
    assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)
    assert wide.page.locator(".tl.h").count() == 1
    shot(wide.page, "wide")

    narrow = open_widget(visit, widget_host, widget_data, "narrow", width=400)
    boxes = [b for b in (c.bounding_box() for c in narrow.page.locator("li.card").all()) if b]
    assert len({round(b["x"]) for b in boxes}) == 1 and len(boxes) > 1
    assert [b["y"] for b in boxes] == sorted(b["y"] for b in boxes)
    assert narrow.page.locator(".tl.v").count() == 1
    shot(narrow.page, "narrow")
    clean(wide), clean(narrow)


def test_events_are_grouped_by_month_with_localised_names(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "french", 'lang="fr" layout="vertical"', hash="#2025-05-16-istanbul-talks")
    labels = v.page.locator(".band .label").all_inner_texts()
    assert any(label.lower() == "mai 2025" for label in labels), labels
    # A span is shown at its precision, in the page's language.
    v.page.evaluate("location.hash = '2025-05-08-victory-day-truce'")
    v.page.wait_for_function("() => document.querySelector('timeline-embed').shadowRoot.querySelector('li.current')?.dataset.id === '2025-05-08-victory-day-truce'")
    assert v.page.locator("li.card.current time").inner_text() == "8–10 mai 2025"


# ---- filters -----------------------------------------------------------------------------------

def expected(**f):
    out = EVENTS
    if "actor" in f:
        out = [e for e in out if f["actor"] in e["actors"]]
    if "tag" in f:
        out = [e for e in out if f["tag"] in e["tags"]]
    if "kind" in f:
        out = [e for e in out if e["kind"] == f["kind"]]
    return sorted(e["id"] for e in out)


@pytest.mark.parametrize("attrs, want", [
    ('actor="Vladimir Putin"', {"actor": "Vladimir Putin"}),
    ('tag="us-russia"', {"tag": "us-russia"}),
    ('kind="phone call"', {"kind": "phone call"}),
    ('actor="Donald Trump" kind="meeting"', {"actor": "Donald Trump", "kind": "meeting"}),
])
def test_filter_attributes_narrow_the_events(visit, widget_host, widget_data, attrs, want):
    v = open_widget(visit, widget_host, widget_data, "filter-" + attrs.split("=")[0], attrs + ' layout="vertical"')
    assert sorted(ids(v)) == expected(**want)
    n = len(expected(**want))
    assert v.el.evaluate(COUNT) == f"{n} of {len(EVENTS)} events"


def test_date_window_fetches_only_the_year_files_it_needs(visit, widget_host, widget_data):
    widget_data.requests.clear()
    v = open_widget(visit, widget_host, widget_data, "window", 'from="2025-03" to="2025-05" layout="vertical"')
    assert sorted(ids(v)) == sorted(
        e["id"] for e in EVENTS if "2025-03" <= e["start"][:7] <= "2025-05" or e["start"] == "2025"
    )
    fetched = [p for p in widget_data.requests if p.endswith(".json")]
    assert fetched == ["/events-2025.json"]
    clean(v)


def test_a_year_without_a_file_is_a_year_without_events(visit, widget_host, widget_data):
    widget_data.requests.clear()
    v = open_widget(visit, widget_host, widget_data, "window-2023", 'from="2023" to="2024-11" layout="vertical"')
    assert ids(v) == ["2024-11-06-trump-wins-election"]
    assert sorted(p for p in widget_data.requests if p.endswith(".json")) == ["/events-2023.json", "/events-2024.json"]


def test_filters_in_the_ui(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "ui-filters")
    page = v.page
    page.get_by_label("Filter by actor").select_option("Volodymyr Zelensky")
    page.wait_for_function("() => document.querySelector('timeline-embed').shadowRoot.querySelector('.count').textContent.startsWith('2 of')")
    assert sorted(ids(v)) == expected(actor="Volodymyr Zelensky")
    page.get_by_label("Filter by actor").select_option("")
    page.get_by_label("Search events").fill("istanbul")
    page.wait_for_function("() => document.querySelector('timeline-embed').shadowRoot.querySelector('.count').textContent.startsWith('1 of')")
    assert ids(v) == ["2025-05-16-istanbul-talks"]
    page.get_by_label("Search events").fill("")
    page.get_by_label("From date (YYYY, YYYY-MM or YYYY-MM-DD)").fill("2025-05")
    page.get_by_label("To date (YYYY, YYYY-MM or YYYY-MM-DD)").fill("2025-05")
    page.get_by_label("To date (YYYY, YYYY-MM or YYYY-MM-DD)").press("Enter")
    page.wait_for_function("() => document.querySelector('timeline-embed').shadowRoot.querySelector('.count').textContent.startsWith('4 of')")
    page.get_by_label("Search events").fill("nothing matches this")
    page.wait_for_function("() => document.querySelector('timeline-embed').dataset.state === 'empty'")
    assert "No events match" in v.el.evaluate(MESSAGE)
    page.get_by_role("button", name="Show all events").click()
    page.wait_for_function(f"() => document.querySelector('timeline-embed').shadowRoot.querySelector('.count').textContent === '{len(EVENTS)} events'")
    clean(v)


def test_changing_an_attribute_refilters_the_live_widget(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "live", 'layout="vertical"')
    v.el.evaluate("el => el.setAttribute('tag', 'nato')")
    v.page.wait_for_function("() => document.querySelector('timeline-embed').shadowRoot.querySelector('.count').textContent.startsWith('1 of')")
    assert ids(v) == ["2025-06-summit"]


# ---- keyboard ----------------------------------------------------------------------------------

def test_keyboard_moves_between_events_and_enter_opens_one(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "keyboard", 'controls="none"')
    page = v.page
    focused = "() => document.activeElement?.shadowRoot?.activeElement?.closest('li')?.dataset.id"
    for _ in range(4):  # past the previous/next buttons to the list's one tab stop: the current event
        page.keyboard.press("Tab")
        if page.evaluate(focused):
            break
    assert page.evaluate(focused) == LATEST["id"]
    order = [e["id"] for e in sorted(EVENTS, key=lambda e: (pad(e["start"]), e["id"]))]
    at = order.index(LATEST["id"])
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(focused) == order[at - 1]
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(focused) == order[at + 1]
    page.keyboard.press("Home")
    assert page.evaluate(focused) == order[0]
    page.keyboard.press("End")
    assert page.evaluate(focused) == order[-1]
    assert v.el.evaluate(CURRENT) == order[-1]
    # Only the current event is a tab stop; Shift+Tab leaves the list.
    tabbable = v.el.evaluate("el => [...el.shadowRoot.querySelectorAll('.list [tabindex=\"0\"]')].length")
    assert tabbable == 1
    page.keyboard.press("Home")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{widget_data.url}/events/{order[0]}/"


def pad(start):
    return start + {4: "-00-00", 7: "-00"}.get(len(start), "")


def test_screen_reader_labels(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "a11y", 'layout="vertical"')
    page = v.page
    assert page.get_by_role("list", name="Events, oldest first").is_visible()
    item = page.locator("li.card.current")
    assert item.get_attribute("aria-setsize") == str(len(EVENTS))
    assert item.get_attribute("aria-current") == "true"
    assert page.get_by_role("search", name="Filter the timeline").count() == 1
    for label in ("Search events", "Filter by actor", "Filter by tag", "Filter by kind"):
        assert page.get_by_label(label).count() == 1


# ---- deep links --------------------------------------------------------------------------------

def test_deep_link_opens_the_named_event(visit, widget_host, widget_data):
    target = "2025-02-18-riyadh-talks"
    v = open_widget(visit, widget_host, widget_data, "deep", hash=f"#{target}")
    assert v.el.evaluate(CURRENT) == target
    assert "Riyadh" in v.page.get_by_role("region", name="Selected event").inner_text()
    card = v.page.locator("li.card.current")
    assert card.is_visible()
    v.page.evaluate("location.hash = '#2024-12-07-paris-meeting'")
    v.page.wait_for_function("() => document.querySelector('timeline-embed').shadowRoot.querySelector('li.current')?.dataset.id === '2024-12-07-paris-meeting'")


def test_open_attribute_opens_the_named_event(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "open", 'open="2025-04-30-minerals-deal"')
    assert v.el.evaluate(CURRENT) == "2025-04-30-minerals-deal"


SANDBOX = "allow-scripts allow-popups allow-top-navigation-by-user-activation"


def iframe_page(widget_host, path, title, src, width, height, heading=""):
    """A page on the host's origin that holds the iframe form in the sandbox we document."""
    return widget_host.page(
        path,
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>{heading}'
        f'<iframe title="Timeline" src="{src}" sandbox="{SANDBOX}" width="{width}" height="{height}"></iframe>'
        "</body></html>",
    )


def test_iframe_form_in_a_sandbox_filters_deep_links_and_opens_links_on_top(visit, widget_host, widget_data):
    target = "2025-03-18-second-call"
    src = f"{widget_data.url}/embed/?actor=Vladimir%20Putin&theme=dark#{target}"
    url = iframe_page(widget_host, "/iframe.html", "iframe host", src, 900, 620, heading="<h1>iframe host</h1>")
    v = visit(width=1000, height=800)
    v.page.goto(url)
    frame = v.page.frame_locator("iframe")
    frame.locator("li.card.current").wait_for()
    inner = v.page.frames[1]
    inner.wait_for_function("() => document.querySelector('timeline-embed').dataset.state === 'ready'")
    current = inner.evaluate("document.querySelector('timeline-embed').shadowRoot.querySelector('li.current').dataset.id")
    assert current == target
    shown = inner.evaluate("[...document.querySelector('timeline-embed').shadowRoot.querySelectorAll('li.card')].map(li => li.dataset.id)")
    assert set(shown) <= set(expected(actor="Vladimir Putin"))
    assert inner.evaluate("origin") == "null"  # really sandboxed: an opaque origin
    link = frame.locator("li.card.current a.title")
    assert link.get_attribute("target") == "_top"
    shot(v.page, "iframe-dark")
    with v.page.expect_navigation():
        link.click()
    assert v.page.url == f"{widget_data.url}/events/{target}/"
    assert v.errors == [] and v.dialogs == []


# ---- themes ------------------------------------------------------------------------------------

BACKGROUND = "el => getComputedStyle(el.shadowRoot.querySelector('.tl')).backgroundColor"
TEXT = "el => getComputedStyle(el.shadowRoot.querySelector('.title')).color"


def test_dark_theme_changes_the_colours(visit, widget_host, widget_data):
    light = open_widget(visit, widget_host, widget_data, "light", 'theme="light"')
    dark = open_widget(visit, widget_host, widget_data, "dark", 'theme="dark"')
    assert light.el.evaluate(BACKGROUND) != dark.el.evaluate(BACKGROUND)
    assert light.el.evaluate(TEXT) != dark.el.evaluate(TEXT)
    assert dark.el.evaluate(BACKGROUND) == "rgb(22, 27, 34)"
    shot(light.page, "light"), shot(dark.page, "dark")


def test_auto_theme_follows_the_reader_preference(visit, widget_host, widget_data):
    dark = open_widget(visit, widget_host, widget_data, "auto-dark", 'theme="auto"', color_scheme="dark")
    light = open_widget(visit, widget_host, widget_data, "auto-light", 'theme="auto"', color_scheme="light")
    assert dark.el.evaluate(BACKGROUND) == "rgb(22, 27, 34)"
    assert light.el.evaluate(BACKGROUND) == "rgb(255, 255, 255)"
    forced = open_widget(visit, widget_host, widget_data, "forced-light", 'theme="light"', color_scheme="dark")
    assert forced.el.evaluate(BACKGROUND) == "rgb(255, 255, 255)"


def test_reduced_motion_turns_transitions_off(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "still", reduced_motion="reduce")
    duration = v.page.locator("li.card").first.evaluate("li => getComputedStyle(li).transitionDuration")
    assert set(duration.replace("s", "").split(", ")) == {"0"}


# ---- bad data ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fixture, words", [
    ("missing.json", "HTTP 404"),
    ("invalid.json", "not valid JSON"),
    ("no-events-list.json", 'no "events" list'),
])
def test_bad_data_gives_a_readable_message(visit, widget_host, widget_data, fixture, words):
    v = open_widget(visit, widget_host, widget_data, "bad-" + fixture, fixture=fixture, states=("error",))
    text = v.el.evaluate(MESSAGE)
    assert "could not be loaded" in text and words in text and fixture in text
    assert v.page.get_by_role("alert").is_visible()
    assert v.page.get_by_role("alert").bounding_box()["height"] > 20
    assert [e for e in v.errors if "404" not in e] == []  # the browser logs the 404 itself; nothing else


def test_unreachable_server_gives_a_readable_message(visit, widget_host, widget_data):
    v = visit()
    v.page.goto(widget_host.page("/down.html", host_page(
        widget_data.url, '<timeline-embed src="http://127.0.0.1:9/events.json"></timeline-embed>')))
    assert wait_ready(v.page, states=("error",)) == "error"
    text = v.page.locator("timeline-embed").evaluate(MESSAGE)
    assert "Could not reach http://127.0.0.1:9/events.json" in text
    assert v.page.get_by_role("alert").is_visible()


def test_missing_src_gives_a_readable_message(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "nosrc", fixture=None, states=("error",))
    assert "set the src attribute" in v.el.evaluate(MESSAGE)
    clean(v)


def test_empty_list_says_there_are_no_events(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "empty", fixture="empty.json", states=("empty",))
    assert "no events yet" in v.el.evaluate(MESSAGE)
    assert v.page.locator(".msg").is_visible()
    clean(v)


def test_events_with_missing_fields_are_shown_or_counted(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "missing-fields", 'layout="vertical"', fixture="missing-fields.json")
    shown = ids(v)
    assert {"ok-1", "no-title", "event-3", "bad-end"} == set(shown)
    assert "5 entries were left out: no valid start date." in v.el.evaluate(MESSAGE)
    assert v.page.locator("li[data-id='no-title'] .title").inner_text() == "Untitled event"
    assert v.page.locator("li[data-id='event-3'] .meta").inner_text() == "Lonely Actor"
    assert v.page.locator("li[data-id='bad-end'] a").count() == 0  # url 5 is no link
    shot(v.page, "missing-fields")
    clean(v)


def test_only_undated_entries_say_so(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "undated", fixture="all-undated.json", states=("empty",))
    assert "No event could be shown. 2 entries were left out" in v.el.evaluate(MESSAGE)
    clean(v)


# ---- security ----------------------------------------------------------------------------------

def test_hostile_text_is_shown_as_text_and_bad_links_are_dropped(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "hostile", 'layout="vertical" open="xss-title"', fixture="hostile.json")
    page = v.page
    title = page.locator("li[data-id='xss-title'] .title")
    assert title.inner_text() == "<img src=x onerror=alert(1)>"
    assert v.el.evaluate("el => el.shadowRoot.querySelectorAll('img, script').length") == 0
    detail = page.get_by_role("region", name="Selected event").inner_text()
    assert "<script>alert(3)</script>" in detail and "<b>Bold</b> actor" in detail
    hrefs = v.el.evaluate("el => [...el.shadowRoot.querySelectorAll('a[href]')].map(a => a.href)")
    assert all(h.startswith(("http://", "https://")) for h in hrefs), hrefs
    assert page.locator("li[data-id='js-link'] a").count() == 0
    assert page.locator("li[data-id='data-link'] a").count() == 0
    assert page.locator("li[data-id='abs-link'] a").get_attribute("href") == "https://example.org/elsewhere/"
    page.wait_for_timeout(300)  # time for an onerror handler to fire, were there one
    assert v.dialogs == []
    shot(page, "hostile")
    clean(v)


def test_only_what_is_in_view_is_in_the_dom(visit, widget_host, widget_data):
    events = [
        {"id": f"e{i:05}", "start": f"{2000 + i // 1000}-{(i // 84) % 12 + 1:02}-{i % 28 + 1:02}",
         "title": f"Event number {i}", "kind": "test", "actors": [f"Actor {i % 7}"], "url": f"events/e{i:05}/"}
        for i in range(10_000)
    ]
    (widget_data.root / "big.json").write_text(json.dumps({"events": events}))
    for layout in ("vertical", "horizontal"):
        v = open_widget(visit, widget_host, widget_data, f"big-{layout}", f'layout="{layout}"', fixture="big.json")
        assert v.el.evaluate(COUNT) == "10000 events"
        assert 0 < len(ids(v)) < 60
        v.page.locator("li.card.current a").focus()
        v.page.keyboard.press("Home")
        assert v.el.evaluate(CURRENT) == events[0]["id"]
        assert 0 < len(ids(v)) < 60
        clean(v)


def test_mouse_wheel_scrolls_along_the_horizontal_axis(visit, widget_host, widget_data):
    v = open_widget(visit, widget_host, widget_data, "wheel", 'open="2024-11-06-trump-wins-election"', width=900)
    scroller = v.page.locator(".scroller")
    before = scroller.evaluate("s => s.scrollLeft")
    box = scroller.bounding_box()
    v.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    v.page.mouse.wheel(0, 400)
    v.page.wait_for_function("() => document.querySelector('timeline-embed').shadowRoot.querySelector('.scroller').scrollLeft > %d" % before)
    assert v.page.evaluate("scrollY") == 0  # the page itself did not move


def test_iframe_form_says_where_to_go_when_its_scripts_cannot_load(visit, widget_host, widget_data, tmp_path):
    """A sandboxed frame fetches module scripts with CORS; from a server that does not send
    Access-Control-Allow-Origin the frame shows a link to the site, not a blank box."""
    url = iframe_page(widget_host, "/iframe-no-cors.html", "no CORS", f"{widget_data.url}/embed/index.html", 700, 300)
    v = visit(width=800, height=400)
    v.context.route("**/embed/frame.js", lambda route: route.abort())  # as a CORS failure would
    v.page.goto(url)
    frame = v.page.frame_locator("iframe")
    assert frame.get_by_role("link", name="open the timeline site").is_visible()


AXE = FIXTURES.parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm install)")
@pytest.mark.parametrize("attrs, width", [('theme="light"', 1200), ('theme="dark"', 1200), ('theme="light"', 400)])
def test_no_serious_accessibility_violation(visit, widget_host, widget_data, attrs, width):
    v = open_widget(visit, widget_host, widget_data, f"axe-{width}-{attrs[7:-1]}", attrs, width=width)
    v.page.evaluate(AXE.read_text())  # through the devtools protocol: the page's CSP does not apply
    result = v.page.evaluate("axe.run(document.querySelector('timeline-embed'), {resultTypes: ['violations']})")
    serious = [(r["id"], r["help"], [n["target"] for n in r["nodes"]][:3])
               for r in result["violations"] if r["impact"] in ("serious", "critical")]
    assert serious == []


def test_a_bare_list_of_events_is_read_too(visit, widget_host, widget_data):
    """The export contract allows a list of events as well as an object with an events list."""
    v = open_widget(visit, widget_host, widget_data, "bare-list", 'layout="vertical"', fixture="bare-list.json")
    assert sorted(ids(v)) == sorted(e["id"] for e in EVENTS[:3])
    clean(v)
