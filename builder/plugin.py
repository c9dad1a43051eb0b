"""The one door to MkDocs: a plugin that hands the pages made by ``builder.pages``
to MkDocs as in-memory files, points each event's "edit" link at its YAML file,
publishes the exports and the widget, and watches the timeline under
``mkdocs serve``. Everything else in the builder works without MkDocs.

    plugins:
      - search
      - timeline:
          timeline_dir: timeline
          sources_dir: sources
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import posixpath
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from . import export
from .pages import Download, Page, build_site
from .render import TEMPLATES
from .timeline import load_timeline

log = get_plugin_logger("timeline")
EMBED_DIR = Path(__file__).parent / "embed"
CSS = "assets/timeline-site.css"
ICONS = "assets/timeline-icons.svg"
THEME_JS = "assets/timeline-theme.js"
SVG = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="([^"]+)">(.*?)</svg>', re.S)
# mkdocs-material's inline scripts (base.html): the same on every page but for the
# relative path to the site's root.
SCOPE_JS = re.compile(r'<script>__md_scope=new URL\("([^"]*)",location\),(__md_.*?)</script>\n?')
TABS_JS = re.compile(r'<script>(var target=document\.getElementById\(location\.hash[^<]*)</script>\n?')
CONFIG_JS = re.compile(r'<script id="__config" type="application/json">([^<]*)</script>')
# Whitespace before the tag of a block box is never rendered (no <pre> on these pages),
# but for the theme's repository widget, whose <div>s are inline blocks with a space
# between them.
BLOCK = ("html|head|body|meta|link|title|script|div|header|nav|main|footer|article|ul|ol|li|dl|dt|dd|p|"
         "h[1-6]|blockquote|form|table|thead|tbody|tr|th|td")
SPACE_BEFORE_BLOCK = re.compile(rf'>\s+(?=</?(?:{BLOCK})\b)(?!<div class="md-source__)')


class TimelineConfig(Config):
    timeline_dir = c.Type(str, default="timeline")
    sources_dir = c.Type(str, default="sources")
    embed_dir = c.Optional(c.Type(str))


class TimelinePlugin(BasePlugin[TimelineConfig]):
    def on_config(self, config):
        base = Path(config.config_file_path or ".").resolve().parent
        self.timeline_dir = (base / self.config.timeline_dir).resolve()
        self.sources_dir = (base / self.config.sources_dir).resolve()
        self.embed_dir = (base / self.config.embed_dir).resolve() if self.config.embed_dir else EMBED_DIR
        self.repo_root = base
        # Our template overrides (Atom link in <head>) come right after the user's custom_dir.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES / "overrides"))
        if CSS not in config.extra_css:
            config.extra_css.append(CSS)
        if config.nav is None:
            docs = Path(config.docs_dir)
            extra = sorted(p.relative_to(docs).as_posix() for p in docs.glob("*.md") if p.name != "index.md")
            config.nav = [{"Home": "index.md"}, {"Archive": "archive/index.md"}, {"Threads": "threads/index.md"},
                          {"Actors": "actors/index.md"}, {"Places": "places/index.md"}, {"Kinds": "kinds/index.md"},
                          {"Tags": "tags/index.md"}, {"Sources": "sources/index.md"}, {"Data": "data/index.md"},
                          {"How to edit": "edit/index.md"}] + extra
        return config

    def on_files(self, files: Files, *, config) -> Files:
        timeline = load_timeline(self.timeline_dir)
        site_url = config.site_url or ""
        title = config.site_name
        downloads = [
            Download("events.json", "Events (JSON)", "application/json", export.events_json(timeline),
                     "every published event with its sources; the format the widget and other tools read"),
            Download("events.csv", "Events (CSV)", "text/csv", export.csv_export(timeline, site_url),
                     "one row per event, for spreadsheets"),
            Download("timeline.ics", "Calendar (iCalendar)", "text/calendar", export.ics(timeline, site_url, title),
                     "subscribe in a calendar application"),
            Download("feed.xml", "Feed (Atom)", "application/atom+xml", export.atom(timeline, site_url, title),
                     f"the latest {export.FEED_SIZE} events, for feed readers"),
            Download("timeline.json", "TimelineJS3 (JSON)", "application/json",
                     export.timelinejs(timeline, site_url, title), "load it in Knight Lab's TimelineJS"),
        ]
        self.yearly = export.events_by_year(timeline)
        widget = (self.embed_dir / "timeline.js").is_file()
        site = build_site(timeline, site_name=title, description=config.site_description or "",
                          site_url=site_url, widget=widget, downloads=downloads, edit_root=self.repo_root)
        self.downloads = downloads
        for problem in site.problems:
            (log.warning if problem.level == "warning" else log.info)(str(problem))

        self.pages: dict[str, Page] = {}
        self.icons: dict[str, tuple[str, str]] = {}  # sprite id: (viewBox, SVG inside)
        self.icon_keys: dict[str, str] = {}  # inline <svg> as the theme wrote it: its sprite id
        self.theme_js: tuple[str, str, str] | None = None
        self.theme_js_seen: dict[tuple[str, str, str], bool] = {}
        taken = set(files.src_uris)
        docs_dir = Path(config.docs_dir).resolve()
        for page in site.pages:
            if page.src_uri in taken:
                log.info(f"docs/{page.src_uri} replaces the generated page {page.url or 'home'}")
                continue
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.src_uri, content="", inclusion=inclusion)
            if page.edit_path:
                # Relative to docs/, so that repo_url + edit_uri + this resolves to the YAML file.
                file.edit_uri = Path(os.path.relpath(Path(page.edit_path).resolve(), docs_dir)).as_posix()
            files.append(file)
            self.pages[page.src_uri] = page
        files.append(File.generated(config, CSS, content=(TEMPLATES / "site.css").read_text(encoding="utf-8")))
        self.add_widget(files, config)
        return files

    def add_widget(self, files: Files, config) -> None:
        """Every file of the widget, verbatim, under embed/ (nothing when it is not there yet)."""
        if not self.embed_dir.is_dir():
            return
        for path in sorted(self.embed_dir.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                uri = "embed/" + path.relative_to(self.embed_dir).as_posix()
                if uri in files.src_uris:
                    files.remove(files.src_uris[uri])
                file = File.generated(config, uri, abs_src_path=str(path), inclusion=InclusionLevel.NOT_IN_NAV)
                file.dest_uri = uri  # copied as is, even embed/index.html
                files.append(file)
        # A docs page at embed/ (docs/embed.md) would overwrite the widget's index.html.
        docs_page = files.src_uris.get("embed.md")
        if docs_page is not None and "embed/index.html" in files.src_uris and config.use_directory_urls:
            docs_page.dest_uri = "embed/about/index.html"

    def on_pre_page(self, page, *, config, files):
        if page.file.src_uri in self.pages:
            # Our pages have no Markdown: skip building a Markdown converter for each
            # of them (a tenth of the build with 10,000 events); on_page_content fills in.
            def render(config, files, page=page):
                page.content = ""
                page.present_anchor_ids = set()
                page.links_to_anchors = {}

            page.render = render
        return page

    def on_page_markdown(self, markdown, *, page, config, files):
        ours = self.pages.get(page.file.src_uri)
        if ours is None:
            return markdown
        # MkDocs themes print page titles without escaping: hand them escaped text.
        page.meta["title"] = html.escape(ours.title, quote=True)
        if ours.description:
            page.meta["description"] = html.escape(ours.description, quote=True)
        if not ours.search:
            page.meta["search"] = {"exclude": True}
        return ""

    def on_page_content(self, content, *, page, config, files):
        ours = self.pages.get(page.file.src_uri)
        if ours is None:
            return content
        # The search plugin indexes page.content in its on_page_context: hand it only
        # the part worth indexing (title and summary), then the whole page below.
        return ours.search_html() if ours.search else ours.html

    @event_priority(-100)  # after the search plugin
    def on_page_context(self, context, *, page, config, nav):
        ours = self.pages.get(page.file.src_uri)
        if ours is not None:
            page.content = ours.html
        return context

    def on_env(self, env, *, config, files):
        cache: dict = {}

        def cache_key(page, part):
            """Generated pages outside the nav share their sidebar with every page as deep."""
            if page is None or page.file.src_uri not in self.pages or page.file.inclusion != InclusionLevel.NOT_IN_NAV:
                return None
            return f"{part}:{page.url.count('/')}"

        def split(rendered, title):
            """(before, after) the page title in the rendered header, or None."""
            before, found, after = str(rendered).rpartition(str(title))
            return (before, after) if found and title else None

        env.globals["tl_cache"] = cache
        env.globals["tl_cache_key"] = cache_key
        env.globals["tl_split"] = split
        return env

    def on_post_page(self, output, *, page, config):
        if page.file.src_uri not in self.pages:
            return output
        # Indentation, blank lines and line breaks before blocks are a sixth of a page;
        # they never matter outside <pre>.
        if "<pre" not in output and "<textarea" not in output:
            output = re.sub(r"\n\s+", "\n", output)
            output = SPACE_BEFORE_BLOCK.sub(">", output)
        root = "../" * page.url.count("/")
        output = self.share_theme_scripts(output, page.url, root)
        # The theme's icons are inlined in every page (2 KB); point at one shared sprite instead.
        sprite = root + ICONS

        def use(match):
            key = self.icon_keys.get(match.group(0))
            if key is None:  # the first 4 hex digits of its hash, more if two icons share them
                digest = hashlib.sha1(match.group(0).encode()).hexdigest()
                key = next(f"i{digest[:n]}" for n in range(4, 41) if f"i{digest[:n]}" not in self.icons)
                self.icon_keys[match.group(0)] = key
                self.icons[key] = (match.group(1), match.group(2))
            return f'<svg viewBox="{match.group(1)}" aria-hidden="true"><use href="{sprite}#{key}"/></svg>'

        return SVG.sub(use, output)

    def share_theme_scripts(self, output: str, url: str, root: str) -> str:
        """The theme's inline scripts (its local-storage helpers, its content-tabs
        fix and its config, 1.1 KB) are the same on every page but for the relative
        path to the site's root: load them from one cached file, which finds the root
        from its own address. Pages whose scripts differ keep theirs inline."""
        scope = SCOPE_JS.search(output)
        tabs = scope and TABS_JS.search(output, scope.end())
        config = tabs and CONFIG_JS.search(output, tabs.end())
        if not config or output.count("__md_") != scope.group(0).count("__md_"):
            return output  # not the theme's scripts, or another inline script uses the helpers
        key = (scope.group(0), tabs.group(0), config.group(0))
        if key not in self.theme_js_seen:  # once for each depth of page
            self.theme_js_seen[key] = self.shared_theme_js(scope, tabs, config, posixpath.dirname(url))
        if not self.theme_js_seen[key]:
            return output
        return "".join((output[:scope.start()], output[scope.end():tabs.start()], output[tabs.end():config.start()],
                        f'<script src="{root}{THEME_JS}"></script>', output[config.end():]))

    def shared_theme_js(self, scope, tabs, config, folder: str) -> bool:
        """Whether these scripts, seen from ``folder``, are those of the shared file
        (the first page seen decides what the file holds)."""
        settings = json.loads(config.group(1))
        if not isinstance(settings.get("base"), str) or not isinstance(settings.get("search"), str) \
                or posixpath.normpath(posixpath.join(folder, scope.group(1))) != "." \
                or posixpath.normpath(posixpath.join(folder, settings["base"])) != ".":
            return False  # a scope of its own (extra.scope)
        settings["base"] = ""
        settings["search"] = posixpath.normpath(posixpath.join(folder, settings["search"]))
        shared = (scope.group(2), tabs.group(1), json.dumps(settings, sort_keys=True, ensure_ascii=False))
        if self.theme_js is None:
            self.theme_js = shared
        return shared == self.theme_js

    def on_post_build(self, *, config) -> None:
        site = Path(config.site_dir)
        if self.theme_js is not None:
            helpers, tabs, settings = self.theme_js
            up = "../" * THEME_JS.count("/")
            (site / THEME_JS).write_text(
                "/* mkdocs-material's inline scripts (base.html), shared by the timeline's pages\n"
                "   (builder/plugin.py); the site's root is found from this file's address. */\n"
                f'(function(root){{__md_scope=new URL(root),{helpers};\n'
                f"var config={settings};\n"
                "config.base=root;config.search=new URL(config.search,root).href;\n"
                'var el=document.createElement("script");el.id="__config";el.type="application/json";'
                "el.textContent=JSON.stringify(config);document.currentScript.after(el);\n"
                f"{tabs}}})(new URL({json.dumps(up)},document.currentScript.src).href);\n", encoding="utf-8")
        symbols = "".join(f'<symbol id="{key}" viewBox="{box}">{body}</symbol>'
                          for key, (box, body) in sorted(self.icons.items()))
        (site / ICONS).write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n', encoding="utf-8")
        for download in self.downloads:
            (site / download.name).write_text(download.text, encoding="utf-8", newline="")
        for year, text in self.yearly.items():
            (site / f"events-{year}.json").write_text(text, encoding="utf-8")

    def on_serve(self, server, *, config, builder):
        for folder in (self.timeline_dir, self.sources_dir, self.embed_dir):
            if folder.exists():
                server.watch(str(folder))
        return server
