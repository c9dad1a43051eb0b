"""Units: the paragraphs, list items, headings and lines of an article as found in its file.

Each reader of the find-the-story stage (``story_text.py`` for .txt and .md,
``story_html.py`` for .html) turns a file into a list of :class:`_Unit` s, each
with its shape (words, sentence punctuation, title-like) measured once; the
classifier in ``story.py`` reads them the same way for every format. The names
here are private to the story stage.
"""
from __future__ import annotations

import re

_BULLET = re.compile(r"^\s*(?:(?:[•·▪●◦‣∙○■□➤►▸]|[*+](?=\s)|[-–](?=\s)|\d{1,2}[.)](?=\s))\s*)+")
_WS = re.compile(r"\s+")
_BREADCRUMB = re.compile(r"\s[/>»›]\s|\|")
_TOKEN = re.compile(r"[a-z][a-z'’-]{2,}")


_TRAIL_CHARS = " \t:»›|.!"
_CLOSERS = "\"'”’»)]`"
_CLOSERS_SPACE = _CLOSERS + " "
_BULLET_START = frozenset("•·▪●◦‣∙○■□➤►▸*+-–0123456789 \t")


def _norm(text: str) -> str:
    """A line as line rules see it: no bullet, lower case, no trailing ":" or "»"."""
    if text and text[0] in _BULLET_START:
        text = _BULLET.sub("", text)
    return " ".join(text.lower().split()).rstrip(_TRAIL_CHARS)


def _is_terminal(t: str) -> bool:
    """Does ``t`` end a sentence: "...", "... said.\"", "... ended. (Reuters)"?"""
    c = t[-1]
    if c in ".!?…:;":
        return True
    if c in _CLOSERS:
        core = t.rstrip(_CLOSERS_SPACE)
        if core and core[-1] in ".!?…:;":
            return True
        return c == ")" and _note_after_sentence(t)
    return False


def _note_after_sentence(t: str) -> bool:
    r"""Does ``t`` end with a sentence, then a short note in brackets: "... ended. (Reuters)"?

    The pattern ``[.!?…]\s*\([^()]{1,60}\)$`` told with string methods: searched for,
    it would be tried at every character of the unit."""
    if t[-1:] != ")":
        return False
    opening = t.rfind("(")
    if opening == -1 or not 1 <= len(t) - 2 - opening <= 60 or ")" in t[opening + 1:-1]:
        return False
    before = t[:opening].rstrip()  # str.rstrip() strips what "\s" matches
    return bool(before) and before[-1] in ".!?…"


class _Unit:
    """One paragraph, list item or line of the file, with its shape measured once."""
    __slots__ = ("text", "line", "bullet", "heading", "quote", "image", "run", "words", "terminal", "prose",
                 "_title", "_meta")

    # (bullet and run first: the .txt reader, which makes most units, passes them by position)
    def __init__(self, text: str, line: int, bullet: bool = False, run: int = 0, heading: int = 0,
                 quote: bool = False, image: bool = False):
        self.text = text
        self.line = line
        self.bullet = bullet
        self.heading = heading
        self.quote = quote
        self.image = image
        self.run = run
        self.measure()

    def measure(self) -> None:
        text = self.text
        words = self.words = text.count(" ") + 1
        c = text[-1]
        if c in ".!?…:;":
            terminal = True
        elif c in _CLOSERS:
            core = text.rstrip(_CLOSERS_SPACE)
            terminal = bool(core) and core[-1] in ".!?…:;" or (c == ")" and _note_after_sentence(text))
        else:
            terminal = False
        self.terminal = terminal
        self.prose = not self.heading and ((words >= 8 and terminal) or words >= 25)
        self._title = None
        self._meta = None

    def bullet_nav(self) -> bool:
        return self.bullet and self.words <= 3

    def title_shaped(self) -> bool:
        if self._title is None:
            self._title = self._title_shaped()
        return self._title

    def _title_shaped(self) -> bool:
        if self.bullet or not 3 <= self.words <= 25 or len(self.text) > 200:
            return False
        t = self.text
        if t.endswith((".", ";", ",")) and not t.endswith(("U.S.", "U.K.", "...")):
            return False
        if t.endswith(("?", "!")) and self.words > 14:
            return False
        if _BREADCRUMB.search(t) and self.words <= 6 or (t.isupper() and self.words <= 3):
            return False    # "WORLD / EUROPE", "NEWS": section labels
        first = t[0]
        return first.isupper() or first.isdigit() or first in "\"'“‘«"
