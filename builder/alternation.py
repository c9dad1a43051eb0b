"""Patterns of many alternatives (names, trigger phrases) that Python's ``re`` runs fast.

``re`` tries the branches of an alternation one after another at every place a
match may start: a pattern of 300 names costs 300 tries at every capital letter.
A branch that begins with a plain letter is skipped at once when the text has
another letter there, so the same alternatives grouped by their first letters,
as a trie ("Ukrain(?:e|ian)"), cost a handful of tries instead. The patterns
built here match the same texts as the plain alternations they come from.

- ``NameFinder``: literal names as whole words, longest first; ``CapitalisedNames``
  the same for the few people of one article, without compiling a pattern.
- ``factored``: regular expressions (the trigger phrases of events.yaml)
  regrouped by their leading letters, for finding *where* one of them starts;
  ``Located`` then asks the original pattern what matched there.
- ``shadow``, ``word_starts``, ``first_bytes``: a byte copy of a text in which
  word starts are easy to find, the literal beginnings of patterns to look for
  in it, and the first characters a pattern can begin with.
- ``lowered``: a text in lower case with its offsets kept; ``letter_first``:
  a pattern that begins with ``\\b`` written to begin with its letter.
"""
from __future__ import annotations

import re

_END = ""  # the key marking "a name ends here" in a trie node
_SPECIAL = frozenset(".^$*+?{}[]\\|()")
_QUANTIFIERS = ("?", "*", "+", "{")
_WORD = re.compile(r"\w")


def lowered(text: str) -> str:
    """``text`` in lower case, with the same length, so that an offset in one is an
    offset in the other (a few characters, "İ", lower to two: they are kept as written)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return low


def trie_pattern(names, escape=re.escape) -> str:
    """A regular expression matching exactly ``names`` (literal strings), preferring
    the longest where several begin at the same place. ``escape`` writes one
    character as a pattern (a space as ``\\s+``, say)."""
    root: dict = {}
    for name in names:
        if not name:
            continue
        node = root
        for ch in name:
            node = node.setdefault(ch, {})
        node[_END] = {}
    return _node(root, escape) if root else r"(?!x)x"


def _node(node: dict, escape) -> str:
    branches = [escape(ch) + _node(child, escape) for ch, child in sorted(node.items()) if ch != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:  # a name may stop here: try the longer ones first (greedy), then stop
        return "(?:" + body + ")?"
    return body


class NameFinder:
    """Where ``names`` stand in a text as whole words (not inside a longer word)."""

    def __init__(self, names):
        self.pattern = re.compile("(?:" + trie_pattern(names) + r")(?!\w)")

    def finditer(self, text: str):
        """The matches, left to right, not overlapping: those of ``re.finditer`` with
        ``(?<!\\w)`` in front, which would stop the engine from skipping ahead to
        the letters a name can begin with."""
        search, pos = self.pattern.search, 0
        while True:
            m = search(text, pos)
            if m is None:
                return
            start = m.start()
            if start and _WORD.match(text, start - 1):
                pos = start + 1  # inside a longer word ("McDonald"): look again one letter on
                continue
            yield m
            pos = m.end()


class CapitalisedNames:
    """The matches of ``NameFinder(names)`` as (position, name), for names that begin
    with a capital A-Z (the people one article introduces), found without compiling
    a pattern: for a handful of names, compiling one costs more than the search.
    A name can only start a capitalised word, so each is looked up by its first word."""

    _FIRST = re.compile(r"\w+")

    def __init__(self, names):
        self.by_first: dict[str, list[str]] = {}
        for name in sorted(set(names), key=lambda n: (-len(n), n)):  # the longest first, as NameFinder
            if not ("A" <= name[:1] <= "Z"):
                raise ValueError(f"{name!r} does not begin with a capital letter")
            self.by_first.setdefault(self._FIRST.match(name).group(0), []).append(name)

    def find(self, text: str) -> list[tuple[int, str]]:
        # Where a first word stands (str.find, fast: no pattern tried at every capital),
        # alone and at the start of a word, is where a name may start. Going left to
        # right, a name found hides the words inside it, as the search goes on after it.
        starts = set()
        for first in self.by_first:
            i = text.find(first)
            while i >= 0:
                if not (_is_word_char(text[i - 1:i]) or _is_word_char(text[i + len(first):i + len(first) + 1])):
                    starts.add((i, first))
                i = text.find(first, i + 1)
        out, pos = [], 0
        for start, first in sorted(starts):
            if start < pos:
                continue
            for name in self.by_first[first]:
                end = start + len(name)
                if text.startswith(name, start) and not _is_word_char(text[end:end + 1]):
                    out.append((start, name))
                    pos = end
                    break
        return out


def _is_word_char(ch: str) -> bool:
    """Whether ``ch`` (one character, or "" for none) matches ``\\w``, without a pattern."""
    return ch.isalnum() or ch == "_"


def factored(patterns: list[str]) -> str:
    """One regular expression matching where any of ``patterns`` matches, with the
    alternatives grouped by their leading letters: "phone call|phone talks|killed"
    becomes "phone\\ (?:call|talks)|killed" (in effect; the grouping goes on letter
    by letter). A leading group is spread out first ("(?:met|meets) with" gives
    "met with" and "meets with"). Patterns that start otherwise (a class, an
    escape) are kept whole, after the others. Alternatives may come out in another
    order, so use the result to find where a match starts, not which one."""
    buckets: dict[str, list[str]] = {}
    other: list[str] = []
    for p in (alternative for pattern in patterns for alternative in split_alternatives(pattern)):
        spread = _leading(p) if p else None
        if spread is None:
            other.append(p)
            continue
        for first, rest in spread:
            buckets.setdefault(first, []).append(rest)
    parts = []
    for first, rests in buckets.items():
        inner = factored(rests) if len(rests) > 1 else rests[0]
        parts.append(re.escape(first) + (f"(?:{inner})" if inner else ""))
    parts += [f"(?:{p})" for p in other]
    return "|".join(parts)


def letter_first(p: str) -> str:
    """``p`` with a leading ``\\b`` before a letter written after the letter, as a
    look-behind: "\\bno" becomes "n(?<!\\w.)o" (an "n" with no word character before
    it), which matches the same; a pattern that begins with a character lets the
    engine skip to the places where that character stands."""
    if p.startswith("\\b") and p[2:3].isascii() and p[2:3].isalpha() and not p[3:4].startswith(_QUANTIFIERS):
        return p[2] + r"(?<!\w.)" + p[3:]
    return p


def _leading(p: str) -> list[tuple[str, str]] | None:
    """``p`` as (first letter, rest) pairs whose union is ``p``, or None."""
    if p[0] not in _SPECIAL and not p[1:2].startswith(_QUANTIFIERS):
        return [(p[0], p[1:])]
    if p.startswith("(?:"):
        close = _close(p)
        after = p[close + 1:]
        if after.startswith(_QUANTIFIERS):
            return None
        out = []
        for alternative in split_alternatives(p[3:close]):
            spread = _leading(alternative + after) if alternative + after else None
            if spread is None:
                return None
            out += spread
        return out
    return None


def _tokens(p: str):
    """(position, token) of ``p``: an escape, a character class or one character."""
    i = 0
    while i < len(p):
        if p[i] == "\\":
            yield i, p[i:i + 2]
            i += 2
        elif p[i] == "[":
            j = i + 2 if p[i + 1:i + 2] == "]" else i + 1
            while p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            yield i, p[i:j + 1]
            i = j + 1
        else:
            yield i, p[i]
            i += 1


def _close(p: str) -> int:
    """The position of the parenthesis closing the one at the start of ``p``."""
    depth = 0
    for i, tok in _tokens(p):
        depth += (tok == "(") - (tok == ")")
        if depth == 0:
            return i
    raise ValueError(f"unbalanced parentheses in {p!r}")


def split_alternatives(p: str) -> list[str]:
    """The top-level alternatives of ``p``."""
    out, depth, start = [], 0, 0
    for i, tok in _tokens(p):
        depth += (tok == "(") - (tok == ")")
        if tok == "|" and depth == 0:
            out.append(p[start:i])
            start = i + 1
    out.append(p[start:])
    return out


# --- words in a shadow ----------------------------------------------------------
#
# ``re`` looks for a pattern that begins with a class ("[^\w-]phone call") by testing
# the class at every character, and for one that begins with a literal (" phone call")
# by a fast scan for that character: in a shadow of the text, where whatever is not
# part of a word reads as a space, a word start is the character after a space.

# ASCII letters, "-" and "_" as they are, digits as "0", any other ASCII character a space.
_SHADE = bytes(c if chr(c).isascii() and (chr(c).isalpha() or chr(c) in "-_") else
               ord("0") if chr(c) in "0123456789" else ord(" ") for c in range(256))


def shadow(text: str) -> bytes:
    """``text`` as ASCII bytes, a space in front, then one byte per character: letters
    A-Z and a-z, "-" and "_" as written, a decimal digit (``\\d``) as "0", another
    word character (``\\w``: "é") as "_", and any other character as a space. So the
    byte at ``i`` is the character before position ``i`` of ``text``, and the shadow
    tells words (and digits) apart as ``re`` does in the text."""
    raw = (" " + text).encode("ascii", "replace")  # "?" for a character outside ASCII
    shade = raw.translate(_SHADE)
    if text.isascii():
        return shade
    out = None
    i = raw.find(b"?")
    while i >= 0:
        ch = text[i - 1]
        if ch.isalnum():  # a letter or digit outside ASCII: part of a word (a "?" is not)
            out = out or bytearray(shade)
            out[i] = ord("0") if ch.isdecimal() else ord("_")
        i = raw.find(b"?", i + 1)
    return shade if out is None else bytes(out)


def word_starts(patterns: list[str]) -> re.Pattern:
    """A bytes pattern that matches ``shadow(text)`` at ``i`` wherever one of ``patterns``
    matches ``text`` at ``i`` after neither a word character nor a hyphen (and at a
    few other places: check there with the pattern itself): a space, then one of
    the literal beginnings ("phone ", "met") that every match starts with, shadowed."""
    heads = {shadow(h)[1:] for p in patterns for h in _heads(p)}
    if b"" in heads:  # a pattern that begins with a class: any word may start a match
        return re.compile(b" ")
    # "met" is enough where "met with" is a head too: keep the shortest (in sorted
    # order, the heads that begin with one come right after it)
    shortest: list[bytes] = []
    for h in sorted(heads):
        if not (shortest and h.startswith(shortest[-1])):
            shortest.append(h)
    return re.compile(b" (?:" + trie_pattern(h.decode("ascii") for h in shortest).encode("ascii") + b")")


def first_bytes(p: str) -> frozenset[int] | None:
    """The bytes that ``shadow(text)[i + 1]`` may be wherever ``p`` matches ``text`` at
    ``i`` (the shadow of the first character of each literal beginning), or None
    when a match may begin with any character."""
    heads = _heads(p)
    if "" in heads:
        return None
    return frozenset(shadow(h)[1] for h in heads)


def _heads(p: str, prefix: str = "") -> set[str]:
    """The literal text at the start of each match of ``p`` after ``prefix``, as far
    as it is plain: "(?:deal|pact) (?:was )?signed" gives "deal " and "pact "."""
    alternatives = split_alternatives(p)
    if len(alternatives) > 1:
        return {h for a in alternatives for h in _heads(a, prefix)}
    tokens = list(_tokens(p))
    for k, (i, tok) in enumerate(tokens):
        after = tokens[k + 1][1] if k + 1 < len(tokens) else ""
        if tok == "(":
            close = i + _close(p[i:])
            inner, rest = p[i + 1:close], p[close + 1:]
            if inner.startswith("?:"):
                inner = inner[2:]
            elif inner.startswith("?P<"):
                inner = inner[inner.index(">") + 1:]
            elif inner.startswith("?"):  # a look-around or flags
                return {prefix}
            if rest[:1] in ("?", "*", "{"):
                return {prefix}
            if rest[:1] == "+":  # one time at least: its own heads
                return _heads(inner, prefix)
            return {h for a in split_alternatives(inner) for h in _heads(a + rest, prefix)}
        if len(tok) == 1 and tok not in _SPECIAL:
            literal = tok
        elif len(tok) == 2 and tok[0] == "\\" and not tok[1].isalnum():
            literal = tok[1]
        elif tok == r"\d":
            literal = "0"  # any digit: the shadow writes each as "0"
        else:
            return {prefix}
        if after in ("?", "*", "{"):
            return {prefix}
        prefix += literal
        if after == "+":
            return {prefix}
    return {prefix}


class Located:
    """``exact.finditer(text)``, faster: ``starts`` (built with ``factored``) finds
    each place where ``exact`` may match, and ``exact`` is run at that place only,
    so the matches (and their groups) are exactly those of ``exact``. ``starts``
    must match wherever ``exact`` does; it may match more."""

    def __init__(self, exact: re.Pattern, starts: re.Pattern):
        self.exact, self.starts = exact, starts

    def finditer(self, text: str, where: str | None = None):
        """The matches of ``exact`` in ``text``; ``starts`` may search another string
        of the same length, ``where`` (the lower-cased text)."""
        search, match, pos = self.starts.search, self.exact.match, 0
        where = text if where is None else where
        while (m := search(where, pos)) is not None:
            found = match(text, m.start())
            if found is None:
                pos = m.start() + 1
                continue
            yield found
            pos = max(found.end(), m.start() + 1)

    @property
    def pattern(self) -> str:
        return self.exact.pattern
