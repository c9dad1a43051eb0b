"""Turning event data into safe HTML: dates at their precision, summaries in
Markdown with cross-reference links, relative URLs and the page templates.

Nothing here knows about MkDocs. Every string that comes from YAML reaches HTML
either through a Jinja template with autoescape on or through markdown-it-py
with raw HTML disabled and a link allowlist.
"""
from __future__ import annotations

import json
import posixpath
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

import jinja2
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from . import model

TEMPLATES = Path(__file__).parent / "templates"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
SAFE_SCHEMES = ("http://", "https://", "mailto:")


# --- dates -----------------------------------------------------------------

def format_date(value: str) -> str:
    """'2025-05-16' -> '16 May 2025', '2025-03' -> 'March 2025', '2025' -> '2025'."""
    parts = model.parse_iso(value)
    if not parts:
        return str(value or "date unknown")
    y, m, d = parts
    if d:
        return f"{d} {MONTHS[m - 1]} {y}"
    if m:
        return f"{MONTHS[m - 1]} {y}"
    return str(y)


def format_span(start: str, end: str | None = None) -> str:
    """A date or a span at its precision: '8–10 May 2025', '28 April – 2 May 2025',
    'March – May 2025', '30 December 2024 – 2 January 2025'."""
    a, b = model.parse_iso(start), model.parse_iso(end) if end else None
    if not a or not b or str(start) == str(end):
        return format_date(start)
    (y1, m1, d1), (y2, m2, d2) = a, b
    if bool(d1) == bool(d2) and bool(m1) == bool(m2) and y1 == y2:
        if d1 and m1 == m2:
            return f"{d1}–{d2} {MONTHS[m1 - 1]} {y1}"
        if d1:
            return f"{d1} {MONTHS[m1 - 1]} – {d2} {MONTHS[m2 - 1]} {y1}"
        if m1:
            return f"{MONTHS[m1 - 1]} – {MONTHS[m2 - 1]} {y1}"
    return f"{format_date(start)} – {format_date(end)}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def month_name(month: int) -> str:
    return MONTHS[month - 1]


# --- URLs ------------------------------------------------------------------

def relative_url(target: str, base: str) -> str:
    """``target`` (a site-root-relative URL such as 'events/x/' or 'feed.xml') as seen
    from the page at ``base`` ('' for the home page, 'actors/putin/' ...)."""
    if target.startswith(SAFE_SCHEMES) or target.startswith("#"):
        return target
    frag = ""
    if "#" in target:
        target, frag = target.split("#", 1)
        frag = "#" + frag
    base_dir = base if base.endswith("/") or not base else posixpath.dirname(base) + "/"
    rel = posixpath.relpath("/" + target, "/" + base_dir)
    if (target == "" or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel + frag


def slug(text: str) -> str:
    """A URL segment for a tag, kind or source id: lowercase ASCII letters, digits, - _ ."""
    text = str(text)
    value = text.lower() if re.fullmatch(r"[A-Za-z0-9._-]+", text) else model.slugify(text, words=12)
    return value.strip("-.") or "x"


# --- summaries ---------------------------------------------------------------

def _validate_link(url: str) -> bool:
    """Only http(s), mailto and relative links; javascript:, data:, vbscript: ... are dropped."""
    value = re.sub(r"[\x00-\x20]", "", url).lower()
    if value.startswith(SAFE_SCHEMES):
        return True
    if value.startswith("//"):
        return False
    return not re.match(r"^[a-z][a-z0-9+.-]*:", value)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")  # no pictures (or tracking pixels) from data
    md.validateLink = _validate_link
    return md


class Mentions:
    """Finds names of actors and places in running text (whole words, case as written)."""

    def __init__(self, names: dict[str, tuple[str, str]]):
        # names: surface form -> (kind 'actor'|'place', id)
        self.names = {k: v for k, v in names.items() if len(k) >= 3}
        if self.names:
            alternatives = sorted(self.names, key=len, reverse=True)
            self.pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])")
        else:
            self.pattern = None

    def find(self, text: str):
        if self.pattern is None:
            return
        for m in self.pattern.finditer(text):
            yield m.start(), m.end(), self.names[m.group(1)]


def _text_token(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


def _link_tokens(href: str, content: str, css: str) -> list[Token]:
    opening = Token("link_open", "a", 1)
    opening.attrs = {"href": href, "class": css}
    closing = Token("link_close", "a", -1)
    return [opening, _text_token(content), closing]


def render_summary(text: str, link_for: Callable[[str, str], str | None],
                   mentions: Mentions | None = None, found: set | None = None) -> str:
    """Markdown -> safe HTML. ``link_for(kind, id)`` gives the href of an event,
    actor or place page (None when unknown). Links whose target is an event id
    become links to its page; the first mention of each known actor or place name
    becomes a link. Every cross-reference made is added to ``found``."""
    if not text:
        return ""
    md = _markdown()
    env: dict = {}
    tokens = md.parse(str(text), env)
    found = found if found is not None else set()
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children, out, depth = block.children, [], 0
        for tok in children:
            if tok.type == "link_open":
                depth += 1
                href = str(tok.attrs.get("href", ""))
                target = href.strip("/").removeprefix("events/").strip("/")
                for kind in ("event", "actor", "place"):
                    url = link_for(kind, target) if target and "/" not in target and "." not in target else None
                    if url:
                        tok.attrs["href"] = url
                        tok.attrs["class"] = f"tl-xref tl-xref-{kind}"
                        found.add((kind, target))
                        break
                else:
                    if href.startswith(("http://", "https://")):
                        tok.attrs["rel"] = "nofollow noopener"
                out.append(tok)
            elif tok.type == "link_close":
                depth -= 1
                out.append(tok)
            elif tok.type == "text" and depth == 0 and mentions is not None:
                pos, content = 0, tok.content
                for start, end, (kind, ident) in mentions.find(content):
                    if (kind, ident) in found:
                        continue
                    url = link_for(kind, ident)
                    if not url:
                        continue
                    found.add((kind, ident))
                    if start > pos:
                        out.append(_text_token(content[pos:start]))
                    out.extend(_link_tokens(url, content[start:end], f"tl-xref tl-xref-{kind}"))
                    pos = end
                if pos == 0:
                    out.append(tok)
                elif pos < len(content):
                    out.append(_text_token(content[pos:]))
            else:
                out.append(tok)
        block.children = out
    return md.renderer.render(tokens, md.options, env)


def plain_text(text: str, limit: int | None = None) -> str:
    """Markdown reduced to its words (for feeds, calendars and descriptions)."""
    tokens = _markdown().parse(str(text or ""), {})
    words = []
    for block in tokens:
        if block.type == "inline":
            words.append("".join(" " if c.type in ("softbreak", "hardbreak") else c.content
                                 for c in block.children or [] if c.type in ("text", "code_inline", "softbreak", "hardbreak")))
    out = " ".join(w for w in words if w).strip()
    if limit and len(out) > limit:
        out = out[: limit - 1].rsplit(" ", 1)[0] + "…"
    return out


def json_ld(data: dict) -> Markup:
    """JSON for a <script type="application/ld+json"> block: '<', '>' and '&' escaped
    so that no string from the data can close the script element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


# --- templates ---------------------------------------------------------------

@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.ChainableUndefined)
    env.filters["span"] = lambda e: format_span(e.get("date", ""), e.get("end"))
    env.filters["month_name"] = month_name
    env.filters["ordinal"] = ordinal
    env.filters["iso"] = lambda v: str(v or "")
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
