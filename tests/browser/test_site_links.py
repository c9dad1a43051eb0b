"""A link checker over the whole built site: every internal href and src must
lead to a file of the site, and every #fragment to an id on its page."""
from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "id" and value:
                self.ids.add(value)
            if key in ("href", "src") and value and not (tag == "link" and ("rel", "canonical") in attrs):
                self.links.append(value)


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path) -> list[str]:
    broken, pages = [], {}
    for html in sorted(site.rglob("*.html")):
        pages[html] = parse(html)
    # 404.html is served for any missing URL, so MkDocs gives it root-absolute links.
    pages.pop(site / "404.html", None)
    for html, parser in pages.items():
        base = "/" + html.parent.relative_to(site).as_posix() + "/"
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "//")):
                continue
            target_path = unquote(parts.path)
            target = posixpath.normpath(posixpath.join(base, target_path)) if target_path else base
            if target.startswith("/.."):
                broken.append(f"{html.relative_to(site)}: {link} (leaves the site)")
                continue
            file = site / target.lstrip("/")
            if file.is_dir() or target_path.endswith("/") or not target_path:
                file = file / "index.html"
            if not file.is_file():
                broken.append(f"{html.relative_to(site)}: {link}")
                continue
            if parts.fragment and file.suffix == ".html":
                ids = pages[file].ids if file in pages else parse(file).ids
                if parts.fragment not in ids and parts.fragment != "__skip":
                    broken.append(f"{html.relative_to(site)}: {link} (no id {parts.fragment!r})")
    return broken


def test_no_broken_internal_link_anywhere_in_the_site(built_site):
    assert sum(1 for _ in built_site.rglob("*.html")) > 30
    assert broken_links(built_site) == []


def test_link_checker_notices_a_broken_link(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<a href="../b/">b</a> <a href="#top">t</a> <a href="https://x.org/">x</a>')
    assert broken_links(tmp_path) == ["a/index.html: ../b/", "a/index.html: #top (no id 'top')"]
