"""Readers for plain text and Markdown: an article's file as units for the story finder.

``.txt``: lines, with hard-wrapped paragraphs rejoined (``_txt_units``);
``.md``: Markdown blocks with the syntax stripped (``_md_units``). Both return
:class:`~builder.story_units._Unit` s in file order, with 1-based line numbers,
for the shared classifier in ``story.py``.
"""
from __future__ import annotations

import re

from .story_units import _BULLET, _BULLET_START, _WS, _Unit, _is_terminal


def _wrap_width(lines: list[str]) -> int:
    """The column a hard-wrapped text is wrapped at, or 0 when it is not wrapped.

    In wrapped text most lines that continue onto the next line end near one
    width and many end mid-sentence; a page with one line per paragraph has
    few continued lines, of scattered lengths (menus, tickers)."""
    continued = [len(a.rstrip()) for a, b in zip(lines, lines[1:])
                 if len(a) > 40 and b.strip() and len(a.strip()) > 40]
    if len(continued) < 5:
        return 0
    continued.sort()
    width = continued[int(len(continued) * 0.8)]
    if width > 100 or sum(width - 20 <= n <= width for n in continued) < 0.6 * len(continued):
        return 0
    ends = [a.rstrip() for a, b in zip(lines, lines[1:]) if len(a) > 40 and b.strip()]
    if sum(not _is_terminal(a) for a in ends) < 0.3 * len(ends):
        return 0      # lines that end sentences: one paragraph per line, no blank lines
    return width


# Spaces a line is normalised for ("  " a run of spaces, then tab, no-break and thin space).
_ODD_SPACES = ("  ", "\t", "\xa0", "\u2009")


def _odd_space_in(line: str) -> bool:
    return "  " in line or "\t" in line or "\xa0" in line or "\u2009" in line


def _txt_units(text: str, first_line: int) -> list[_Unit]:
    lines = text.split("\n")
    width = _wrap_width(lines)
    units: list[_Unit] = []
    run = 0
    prev_blank = True
    prev_raw = ""
    # A line holds only the odd spaces its text holds; most texts hold one kind or none,
    # so most lines are searched once or not at all.
    odd = [ws for ws in _ODD_SPACES if ws in text]
    only = odd[0] if len(odd) == 1 else None
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        if not stripped:
            prev_blank = True
            continue
        bullet = False
        body = stripped
        if stripped[0] in _BULLET_START:
            m = _BULLET.match(stripped)
            if m:
                if m.end() >= len(stripped):
                    prev_blank = True      # a bullet alone
                    continue
                bullet = True
                body = stripped[m.end():]
        if odd and (only in body if only else _odd_space_in(body)):
            body = " ".join(body.split())
        if width and not prev_blank and units and not bullet and (
                len(prev_raw.rstrip()) + 1 + len(body.split(" ", 1)[0]) > width - 2
                or (body[0].islower() and not units[-1].terminal and len(prev_raw) > 40)):
            last = units[-1]
            last.text += " " + body
            last.measure()
            prev_raw = raw
            continue
        if prev_blank:
            run += 1
        units.append(_Unit(body, i + first_line, bullet, run))
        prev_blank = False
        prev_raw = raw
    return units


_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_MD_QUOTE = re.compile(r"^\s*>\s?")
_MD_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_MD_IMAGE_LINE = re.compile(r"^\s*(?:\[)?!\[([^\]]*)\]\([^)]*\)(?:\]\([^)]*\))?\s*$")
_MD_REFDEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")
_MD_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<(https?://[^>]+)>"), r"\1"),
    (re.compile(r"<[^>\n]{1,200}>"), ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])"), r"\2"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])"), r"\1"),
)
_MD_ITALIC_LINE = re.compile(r"^\s*([*_])(?!\1)(.+)\1\s*$")


def _md_inline(text: str) -> str:
    for pattern, repl in _MD_INLINE:
        if pattern.pattern[0] in "!\\[<" and not any(c in text for c in "![<\\"):
            continue
        text = pattern.sub(repl, text)
    return _WS.sub(" ", text).strip()


def _continues(prev: str, line: str, width: int) -> bool:
    """Does ``line`` carry on the sentence of ``prev`` (soft-wrapped text)?"""
    if not line:
        return False
    if width and len(prev) + 1 + len(line.split(" ", 1)[0]) > width - 2:
        return True
    return not _is_terminal(prev) and (line[0].islower() or line[0].isdigit() or len(prev) > 60)


def _md_units(text: str, first_line: int) -> list[_Unit]:
    lines = text.split("\n")
    units: list[_Unit] = []
    para: list[str] = []
    para_line = 0
    para_kind: dict = {}
    run = 0
    fence = False
    pending_caption = False

    width = _wrap_width(lines)

    def flush():
        # Lines of one Markdown paragraph are one unit when they wrap a
        # sentence; lines that each stand alone (a menu, a ticker, share
        # buttons pasted without blank lines) stay separate units.
        nonlocal para
        groups: list[list[str]] = []
        for k, line in enumerate(para):
            line = line.strip()
            if groups and (para_kind.get("quote") or _continues(groups[-1][-1], line, width)):
                groups[-1].append(line)
            else:
                groups.append([line])
        for g, group in enumerate(groups):
            body = _md_inline(" ".join(group))
            if body:
                units.append(_Unit(body, para_line + sum(len(x) for x in groups[:g]), run=run, **para_kind))
        para = []

    for i, raw in enumerate(lines):
        ln = i + first_line
        if _MD_FENCE.match(raw):
            flush()
            fence = not fence
            continue
        if fence:
            continue
        if not raw.strip():
            flush()
            run += 1
            continue
        if _MD_REFDEF.match(raw) or raw.lstrip().startswith("|"):
            flush()
            continue
        m = _MD_SETEXT.match(raw)
        if m and para and len(para) == 1 and not para_kind:
            title = para[0]
            para = []
            body = _md_inline(title)
            if body:
                units.append(_Unit(body, para_line, heading=1 if m.group(1)[0] == "=" else 2, run=run))
            continue
        if _MD_RULE.match(raw):
            flush()
            run += 1
            continue
        m = _MD_HEADING.match(raw)
        if m:
            flush()
            body = _md_inline(m.group(2))
            if body:
                units.append(_Unit(body, ln, heading=len(m.group(1)), run=run))
            continue
        m = _MD_IMAGE_LINE.match(raw)
        if m:
            flush()
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if _MD_ITALIC_LINE.match(nxt):      # the caption under the picture
                pending_caption = True
                continue
            alt = _WS.sub(" ", m.group(1)).strip()
            if alt:
                units.append(_Unit(alt, ln, image=True, run=run))
            continue
        if pending_caption:
            pending_caption = False
            m = _MD_ITALIC_LINE.match(raw)
            if m:
                units.append(_Unit(_md_inline(m.group(2)), ln, image=True, run=run))
                continue
        m = _MD_LIST.match(raw)
        if m:
            flush()
            para, para_line, para_kind = [raw[m.end():]], ln, {"bullet": True}
            continue
        m = _MD_QUOTE.match(raw)
        if m:
            if para and not para_kind.get("quote"):
                flush()
            if not para:
                para_line, para_kind = ln, {"quote": True}
            para.append(_MD_QUOTE.sub("", raw))
            continue
        if para and para_kind.get("quote"):
            flush()
        if not para:
            para_line, para_kind = ln, {}
        para.append(raw.strip())
    flush()
    return units
