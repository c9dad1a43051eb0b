"""The site as plain pages: from a loaded Timeline to a list of (URL, title, HTML)
plus the problems found on the way. The MkDocs plugin only hands these pages to
MkDocs; another engine could write them out as they are.

Pages made here: home, one per event, actor, place, kind, tag, source and
thread, year and month archives, the archive index, the data page and the
editors' page. Links between them are relative, so the site works from any
folder or host.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import model
from .render import Mentions, format_span, json_ld, month_name, plain_text, relative_url, render, render_summary, slug
from .threads import find_threads
from .timeline import Timeline

LATEST = 10  # events on the home page


@dataclass
class Page:
    url: str               # site-root-relative: '' (home), 'events/<id>/', 'actors/' ...
    title: str             # plain text; the engine escapes it
    html: str              # the body, safe HTML
    in_nav: bool = False
    edit_path: Path | None = None  # the YAML file behind the page (for the "edit" link)
    search: bool = True    # False: leave the whole page out of the search index
    description: str = ""  # plain text

    def search_html(self) -> str:
        """What the search index gets: the page up to its first data-search-exclude block."""
        mark = self.html.find(" data-search-exclude")
        return self.html if mark < 0 else self.html[: self.html.rfind("<", 0, mark)]

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md" if self.url else "index.md"


@dataclass
class Problem:
    level: str   # 'warning' (a real problem: `mkdocs build --strict` fails) or 'info'
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class Download:
    name: str   # file name at the site root
    title: str
    media_type: str
    text: str
    about: str


@dataclass
class Site:
    pages: list[Page] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    nav: list[tuple[str, str]] = field(default_factory=list)  # (title, url)


LISTS = ("actors", "places", "tags", "related", "merged", "review")


def shape_errors(event: dict) -> list[str]:
    """What would make the event's page wrong: missing title, lists that are not lists
    of text, sources that are not {source, quote}. A quick check of the fields the
    site reads; `timeline check` validates the whole schema (and costs 20 ms an event)."""
    errors = []
    if not isinstance(event.get("title"), str) or not event["title"].strip():
        errors.append("title is missing or not text")
    for key in LISTS:
        value = event.get(key)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            errors.append(f"{key} must be a list of names or ids")
    for n, item in enumerate(event.get("sources") or []):
        if not isinstance(item, dict) or not isinstance(item.get("source"), str):
            errors.append(f"sources.{n} must have a source id and a quote")
    if event.get("sources") is not None and not isinstance(event["sources"], list):
        errors.append("sources must be a list")
    for key in ("summary", "kind"):
        if event.get(key) is not None and not isinstance(event[key], str):
            errors.append(f"{key} must be text")
    return errors


class EventView:
    """An event with everything a page needs about it, links site-root-relative."""

    def __init__(self, event: dict, site: "Builder"):
        self.e = event
        self.id = event["id"]
        self.title = str(event.get("title") or self.id)
        self.date = str(event.get("date", ""))
        self.end = str(event["end"]) if event.get("end") else None
        self.span = format_span(self.date, self.end)
        self.url = f"events/{self.id}/"
        self.year, self.month, self.day = model.parse_iso(self.date)
        self.kind = str(event.get("kind") or "")
        self.kind_url = f"kinds/{slug(self.kind)}/" if self.kind else ""
        self.status = str(event.get("status") or "auto")
        self.planned = bool(event.get("planned"))
        self.confidence = event.get("confidence")
        tl = site.timeline
        self.actors = [(tl.actors.name(a), site.actor_url(a)) for a in event.get("actors") or []]
        self.places = [(tl.places.name(p), site.place_url(p)) for p in event.get("places") or []]
        self.tags = [(str(t), f"tags/{slug(t)}/") for t in event.get("tags") or []]
        self.summary_html = ""
        self.links_to: set = set()


class Builder:
    def __init__(self, timeline: Timeline, *, site_name: str = "Timeline", description: str = "",
                 site_url: str = "", widget: bool = False, downloads: list[Download] | None = None,
                 edit_root: Path | None = None):
        self.timeline = timeline
        self.site_name = site_name
        self.description = description
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.widget = widget
        self.downloads = downloads or []
        self.edit_root = edit_root
        self.site = Site(downloads=self.downloads)

    # --- problems and links ------------------------------------------------

    def problem(self, level: str, path, message: str, line: int = 0) -> None:
        self.site.problems.append(Problem(level, self.display_path(path), line, message))

    def display_path(self, path) -> str:
        path = Path(str(path))
        if self.edit_root:
            try:
                return path.resolve().relative_to(self.edit_root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def actor_url(self, name: str) -> str | None:
        ident = self.timeline.actors.resolve(name)
        return f"actors/{ident}/" if ident else None

    def place_url(self, name: str) -> str | None:
        ident = self.timeline.places.resolve(name)
        return f"places/{ident}/" if ident else None

    def source_url(self, ident: str) -> str:
        return f"sources/{slug(ident)}/"

    def link_for(self, kind: str, ident: str) -> str | None:
        if kind == "event":
            return f"events/{ident}/" if ident in self.views else None
        if kind == "actor":
            return self.actor_url(ident) if ident in self.timeline.actors.entries else None
        if kind == "place":
            return self.place_url(ident) if ident in self.timeline.places.entries else None
        return None

    def add(self, page: Page) -> None:
        self.site.pages.append(page)

    def page(self, template: str, url: str, title: str, **context) -> Page:
        html = render(template, u=lambda target: relative_url(target, url), page_url=url, title=title,
                      b=self, **context)
        return Page(url=url, title=title, html=html)

    # --- the whole site ------------------------------------------------------

    def build(self) -> Site:
        tl = self.timeline
        for err in tl.problems:
            self.problem("warning", err.path, f"{err.message} (left out of the site)", err.line)
        events = self.validate(tl.published())
        self.views = {e["id"]: EventView(e, self) for e in events}
        self.order = [self.views[e["id"]] for e in events]
        self.threads = find_threads(events, tl.actors)
        self.thread_of = {e["id"]: t for t in self.threads for e in t.events}
        self.render_summaries()
        self.event_pages()
        self.registry_pages("actor", tl.actors)
        self.registry_pages("place", tl.places)
        self.group_pages("kind", "kinds", "Kinds", lambda v: [v.kind] if v.kind else [])
        self.group_pages("tag", "tags", "Tags", lambda v: [t for t, _ in v.tags])
        self.source_pages()
        self.thread_pages()
        self.archive_pages()
        self.home_page()
        self.data_page()
        self.edit_page()
        self.site.nav = [("Home", ""), ("Archive", "archive/"), ("Threads", "threads/"), ("Actors", "actors/"),
                         ("Places", "places/"), ("Kinds", "kinds/"), ("Tags", "tags/"), ("Sources", "sources/"),
                         ("Data", "data/"), ("How to edit", "edit/")]
        for page in self.site.pages:
            page.in_nav = any(page.url == url for _, url in self.site.nav)
        return self.site

    def validate(self, events: list[dict]) -> list[dict]:
        """Events that can be placed on the timeline; the rest reported with their file."""
        tl, ok = self.timeline, []
        for event in events:
            path = tl.paths.get(event["id"], event["id"])
            for message in shape_errors(event):
                self.problem("warning", path, message)
            if not model.parse_iso(event.get("date", "")):
                self.problem("warning", path, f"date {event.get('date')!r} is not an ISO date at a known "
                             "precision (2025, 2025-05 or 2025-05-16); the event is left out of the site")
                continue
            if event.get("end") and not model.parse_iso(event["end"]):
                self.problem("warning", path, f"end {event['end']!r} is not an ISO date; shown without it")
                event = {k: v for k, v in event.items() if k != "end"}
            ok.append(event)
        published = {e["id"] for e in ok}
        for event in ok:
            path = tl.paths.get(event["id"], event["id"])
            for rel in event.get("related") or []:
                if rel not in published:
                    what = "a rejected event" if rel in tl.events else "no event"
                    self.problem("warning", path, f"related id {rel!r} names {what}; shown unlinked")
            for name in event.get("actors") or []:
                if not tl.actors.resolve(name):
                    self.problem("info", path, f"actor {name!r} is not in actors.yaml; shown unlinked")
            for name in event.get("places") or []:
                if not tl.places.resolve(name):
                    self.problem("info", path, f"place {name!r} is not in places.yaml; shown unlinked")
        return ok

    def render_summaries(self) -> None:
        tl = self.timeline
        names = {}
        for kind, registry in (("place", tl.places), ("actor", tl.actors)):
            for ident, entry in registry.entries.items():
                for name in [entry.get("name", "")] + list(entry.get("aliases") or []):
                    if isinstance(name, str) and name.strip():
                        names[name.strip()] = (kind, ident)
        mentions = Mentions(names)
        self.backlinks: dict[tuple, list[EventView]] = defaultdict(list)
        for view in self.order:
            own = {("actor", tl.actors.resolve(a)) for a in view.e.get("actors") or []}
            own |= {("place", tl.places.resolve(p)) for p in view.e.get("places") or []}
            found = set(own)  # an actor already listed is not linked again in the text

            def link_for(kind, ident, base=view.url):
                target = self.link_for(kind, ident)
                return relative_url(target, base) if target else None

            view.summary_html = render_summary(view.e.get("summary", ""), link_for, mentions, found)
            view.links_to = (found - own) | {("event", r) for r in view.e.get("related") or [] if r in self.views}
            for key in view.links_to:
                if key != ("event", view.id):
                    self.backlinks[key].append(view)

    # --- events --------------------------------------------------------------

    def event_pages(self) -> None:
        tl = self.timeline
        by_day = defaultdict(list)
        for view in self.order:
            by_day[view.date].append(view)
        for n, view in enumerate(self.order):
            prev_ = self.order[n - 1] if n else None
            next_ = self.order[n + 1] if n + 1 < len(self.order) else None
            thread = self.thread_of.get(view.id)
            related = [(r, self.views.get(r)) for r in view.e.get("related") or []]
            sources = []
            for item in view.e.get("sources") or []:
                if isinstance(item, dict):
                    sid = str(item.get("source", ""))
                    sources.append((item, sid, tl.sources.get(sid, {}), self.source_url(sid)))
            page = self.page("event.html", view.url, view.title, v=view, prev=prev_, next=next_,
                             thread=thread, position=thread.position(view.id) if thread else 0,
                             related=related, sources=sources,
                             same_day=[o for o in by_day[view.date] if o is not view] if view.day else [],
                             backlinks=self.backlinks.get(("event", view.id), []),
                             ld=json_ld(self.event_ld(view)), edit_path=self.display_path(tl.paths[view.id]))
            page.edit_path = tl.paths.get(view.id)
            page.description = plain_text(view.e.get("summary", ""), 200)
            self.add(page)

    def event_ld(self, view: EventView) -> dict:
        data = {"@context": "https://schema.org", "@type": "Event", "name": view.title, "startDate": view.date}
        if view.end:
            data["endDate"] = view.end
        if self.site_url:
            data["url"] = self.site_url + view.url
        text = plain_text(view.e.get("summary", ""), 160)
        if text:
            data["description"] = text
        if view.places:
            data["location"] = [{"@type": "Place", "name": name} for name, _ in view.places]
        actors = []
        for name in view.e.get("actors") or []:
            ident = self.timeline.actors.resolve(name)
            kind = (self.timeline.actors.entries.get(ident) or {}).get("kind", "person") if ident else "person"
            actors.append({"@type": "Person" if kind == "person" else "Organization",
                           "name": self.timeline.actors.name(name)})
        if actors:
            data["attendee"] = actors
        return data

    # --- actors, places, kinds, tags, sources, threads --------------------------

    def registry_pages(self, kind: str, registry) -> None:
        plural = kind + "s"
        listed = defaultdict(list)
        for view in self.order:
            names = view.e.get(plural) or []
            for ident in {registry.resolve(n) for n in names} - {None}:
                listed[ident].append(view)
        entries = []
        for ident, entry in sorted(registry.entries.items(), key=lambda kv: str(kv[1].get("name", kv[0])).lower()):
            url = f"{plural}/{ident}/"
            own = listed.get(ident, [])
            mentioned = [v for v in self.backlinks.get((kind, ident), []) if v not in own]
            threads = [t for t in self.threads if ident in t.actors] if kind == "actor" else []
            name = str(entry.get("name") or ident)
            page = self.page("entity.html", url, name, entry=entry, kind=kind, events=own, mentioned=mentioned,
                             threads=threads)
            page.edit_path = self.timeline.root / f"{plural}.yaml"
            page.description = str(entry.get("description") or "")
            self.add(page)
            entries.append((name, url, len(own), entry))
        unknown = defaultdict(list)
        for view in self.order:
            for name in view.e.get(plural) or []:
                if not registry.resolve(name):
                    unknown[str(name)].append(view)
        self.add(self.page("entity_index.html", f"{plural}/", plural.capitalize(), kind=kind, entries=entries,
                           unknown=sorted(unknown.items())))

    def group_pages(self, kind: str, folder: str, title: str, keys) -> None:
        groups = defaultdict(list)
        for view in self.order:
            for key in keys(view):
                groups[key].append(view)
        entries = []
        for key, views in sorted(groups.items(), key=lambda kv: kv[0].lower()):
            url = f"{folder}/{slug(key)}/"
            page = self.page("group.html", url, key, kind=kind, events=views)
            page.search = False
            self.add(page)
            entries.append((key, url, len(views)))
        page = self.page("group_index.html", f"{folder}/", title, kind=kind, entries=entries)
        self.add(page)

    def source_pages(self) -> None:
        tl = self.timeline
        cited = defaultdict(list)
        for view in self.order:
            for item in view.e.get("sources") or []:
                if isinstance(item, dict) and item.get("source"):
                    cited[str(item["source"])].append((view, item))
        entries = []
        for sid in sorted(set(cited) | set(tl.sources)):
            meta = tl.sources.get(sid, {})
            url = self.source_url(sid)
            title = str(meta.get("title") or sid)
            page = self.page("source.html", url, title, sid=sid, meta=meta, quotes=cited.get(sid, []))
            if sid in tl.sources:
                page.edit_path = tl.root / "sources.yaml"
            self.add(page)
            entries.append((title, url, meta, len(cited.get(sid, []))))
        entries.sort(key=lambda e: (str(e[2].get("published") or ""), e[0]))
        self.add(self.page("source_index.html", "sources/", "Sources", entries=entries))

    def thread_pages(self) -> None:
        for thread in self.threads:
            views = [self.views[e["id"]] for e in thread.events]
            actors = [(self.timeline.actors.name(a), self.actor_url(a)) for a in thread.actors]
            self.add(self.page("thread.html", f"threads/{thread.id}/", thread.title, thread=thread, events=views,
                               actors=actors))
        self.add(self.page("thread_index.html", "threads/", "Threads", threads=self.threads))

    # --- archives, home, data, edit ----------------------------------------------

    def months(self) -> dict[int, dict[int | None, list[EventView]]]:
        years: dict[int, dict] = defaultdict(lambda: defaultdict(list))
        for view in self.order:
            years[view.year][view.month].append(view)
        return years

    def archive_pages(self) -> None:
        years = self.months()
        ordered = sorted(years)
        for n, year in enumerate(ordered):
            months = years[year]
            prev_, next_ = (ordered[n - 1] if n else None), (ordered[n + 1] if n + 1 < len(ordered) else None)
            page = self.page("year.html", f"{year}/", str(year), year=year, months=months, prev=prev_, next=next_)
            page.search = False
            self.add(page)
            keys = sorted(m for m in months if m)
            for i, month in enumerate(keys):
                page = self.page("month.html", f"{year}/{month:02d}/", f"{month_name(month)} {year}", year=year,
                                 month=month, events=months[month],
                                 prev=keys[i - 1] if i else None, next=keys[i + 1] if i + 1 < len(keys) else None)
                page.search = False
                self.add(page)
        self.add(self.page("archive.html", "archive/", "Archive", years=years))

    def home_page(self) -> None:
        latest = sorted(self.order, key=lambda v: model.sort_key(v.e), reverse=True)[:LATEST]
        first, last = (self.order[0], self.order[-1]) if self.order else (None, None)
        page = self.page("home.html", "", self.site_name, latest=latest, years=self.months(), first=first,
                         last=last, count=len(self.order), description=self.description, widget=self.widget,
                         actors=len(self.timeline.actors.entries), threads=self.threads)
        page.description = self.description
        self.add(page)

    def data_page(self) -> None:
        self.add(self.page("data.html", "data/", "Data", downloads=self.downloads,
                           years=sorted(self.months())))

    def edit_page(self) -> None:
        schema = model.schema()
        fields = [(name, schema["properties"][name].get("description", ""), name in schema.get("required", []))
                  for name in model.FIELD_ORDER if name in schema["properties"]]
        page = self.page("edit.html", "edit/", "How to edit", fields=fields, problems=self.site.problems,
                         example=self.order[-1] if self.order else None,
                         example_path=self.display_path(self.timeline.paths[self.order[-1].id]) if self.order else "")
        self.add(page)


def build_site(timeline: Timeline, **options) -> Site:
    """Every page of the site, and every problem found, from a loaded timeline."""
    return Builder(timeline, **options).build()

