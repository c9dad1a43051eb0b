"""Find-the-story stage: keep the article's own text, drop the page furniture.

A page saved from the web holds one story amid navigation menus, breaking-news
tickers, share buttons, "Most read" and "Related" panels, other stories'
teasers, comment forms and footers. This module returns the story as
:class:`Block` s in reading order (headline, standfirst, paragraphs, list
items, subheads, quotes, asides and photo captions, marked by ``kind``) and
lists everything it dropped, with the line and the reason.

Each format becomes "units" (one paragraph, list item, heading or line each;
``story_units.py``):

- ``.txt``: lines, with hard-wrapped paragraphs rejoined (``story_text.py``);
- ``.md``: Markdown blocks with the syntax stripped (``story_text.py``);
- ``.html``: the main text trafilatura finds (precision first, no comments),
  with figure captions carried through it (``story_html.py``).

One classifier (``_assemble``) then reads the units the same way for every
format, by

- shape: length, sentence punctuation, title-like lines;
- markers: "Most Read", "Related", "BREAKING", "Source link", share buttons
  (boilerplate.yaml; a panel opened by a marker lasts until the story resumes);
- repetition: duplicated captions and teaser titles;
- position: the headline is the title line just above the first dense run of
  prose, after menus and tickers; bylines and dates around it are the header
  (``Story.header``, where sources.py reads the publication date);
- coherence: a paragraph after a panel belongs to the story when it shares
  the story's words and names, or reads as story text rather than a teaser.

Furniture markers, caption cues and common words are data, in
``builder/data/boilerplate.yaml``; nothing here names an outlet.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING


from . import sources
from .alternation import factored
from .story_text import _md_units, _txt_units
from .story_units import _CLOSERS_SPACE, _TOKEN, _TRAIL_CHARS, _Unit, _norm
from .yamlio import word_list

if TYPE_CHECKING:  # pragma: no cover
    from .sources import Article

DATA = Path(__file__).parent / "data" / "boilerplate.yaml"
_GROUP = {"ticker_markers": "ticker", "panel_markers": "panel", "end_markers": "end",
          "aside_markers": "aside", "inline": "inline"}
CAPTION_TAIL = 240     # end-anchored caption cues look at this many final characters

KINDS = ("headline", "standfirst", "paragraph", "subhead", "item", "quote", "aside", "caption")


@dataclass
class Block:
    text: str          # one paragraph / caption / list item, whitespace-normalised
    kind: str          # one of KINDS
    line: int          # 1-based line in the source file where it starts (0 if unknown, e.g. html)


@dataclass
class Story:
    headline: str
    blocks: list[Block]                 # the article's own text in reading order
    dropped: list[tuple[int, str]]      # (line, reason) for what was removed
    header: list[Block] = field(default_factory=list)   # headline, bylines, date lines: where metadata is read
    dateline: str = ""                  # "WASHINGTON", "TALLINN, ESTONIA"
    dateline_agency: str = ""           # "AP" in "WASHINGTON (AP) —"
    page_meta: dict = field(default_factory=dict)       # html: what the page's markup states

    def text(self, kinds: tuple[str, ...] = ("headline", "standfirst", "paragraph", "subhead", "item",
                                             "quote", "aside")) -> str:
        """The blocks of the given kinds, one per paragraph."""
        return "\n\n".join(b.text for b in self.blocks if b.kind in kinds)


# --- rules -----------------------------------------------------------------

@lru_cache(maxsize=1)
def rules() -> dict:
    """boilerplate.yaml, validated and compiled into a few regular expressions."""
    data = sources.load_data(DATA)
    month = sources.rules()["month_re"]
    out: dict = {"raw": data}
    named = []
    roles: dict[str, tuple[str, int]] = {}
    for key in ("panel_markers", "end_markers", "ticker_markers", "inline", "aside_markers"):
        items = data.get(key)
        if not items:
            raise ValueError(f"{DATA}: section {key!r} is missing or empty")
        parts = []
        for item in items:
            if not isinstance(item, dict) or "pattern" not in item:
                raise ValueError(f"{DATA}: {key}: each rule needs a pattern and examples")
            pattern = item["pattern"]
            re.compile(pattern)   # a bad rule fails at load time
            parts.append(f"(?:{pattern})")
            name = f"r{len(roles)}"
            roles[name] = (_GROUP[key], int(item.get("max_words", 8)))
            named.append(f"(?P<{name}>{pattern})")
        out[key] = re.compile("(?:" + "|".join(parts) + ")")
    # One pass decides a line's role; earlier sections win. A rule holds for
    # lines of at most its max_words words (default 8).
    out["line_roles"] = re.compile("|".join(named))
    # Lines of more than 8 words are tried only against the rules that allow them.
    long_named = [part for part, (_, words) in zip(named, roles.values()) if words > 8]
    out["long_line_roles"] = re.compile("|".join(long_named) or "(?!)")
    out["roles"] = roles
    out["max_words"] = max(w for _, w in roles.values())
    # Most lines match no rule: this one pattern, the rules grouped by their first
    # letters (alternation.factored), says so faster than trying each rule in turn.
    out["any_role"] = re.compile(factored([item["pattern"] for key in _GROUP for item in data[key]]))
    cues, starts = [], []
    for item in data.get("caption_cues") or []:
        pattern = item["pattern"].replace("{MONTH}", "(?i:" + month + ")")
        if pattern.startswith("(?i)"):
            pattern = "(?i:" + pattern[4:] + ")"
        re.compile(pattern)
        tail = re.compile(_class_first(item["tail"])) if item.get("tail") else None
        needs = item.get("requires") or ()
        # One literal is looked for with "in" (a third of a pattern search's cost).
        literal = needs[0] if len(needs) == 1 else None
        needs = _holds_any(needs) if len(needs) > 1 else None
        if pattern.lstrip("(?i:").startswith("^") and literal is None and needs is None and tail is None:
            starts.append(pattern)      # tried together, once, at the paragraph's start
        else:
            anchored = pattern.lstrip("(?i:").startswith("^")
            cues.append((re.compile(pattern), anchored, literal, needs, tail))
    out["caption_start"] = re.compile("|".join(starts) or "(?!)")
    out["caption_cues"] = cues
    out["common"] = frozenset(w.lower() for w in word_list(data, "common_words", DATA))
    return out


# A pattern that begins with a character class (or \d, \w, \s) repeated {n}, {n,m}
# or {n,} times, n at least 1, neither lazy nor possessive: "\d{4}", "[a-z]{2,5}".
_LEADING_REPEAT = re.compile(r"(\\[dDwWsS]|\[\^?\]?(?:\\.|[^\]\\])*\])\{([1-9]\d*)(,\d*)?\}(?![?+])")


def _class_first(p: str) -> str:
    r"""``p`` with a leading repeated class written as the class once, then repeated
    one time fewer: "\d{4}x" becomes "\d\d{3}x", "\d{2,}" "\d\d{1,}" (the same
    matches). A search for a pattern that begins with a repeat tries it at every
    place; one that begins with a class skips to the characters of that class."""
    m = _LEADING_REPEAT.match(p)
    if not m:
        return p
    token, low, high = m.group(1), int(m.group(2)), m.group(3)
    if high is not None and high != ",":
        high = f",{int(high[1:]) - 1}"
    return f"{token}{token}{{{low - 1}{high or ''}}}{p[m.end():]}"


def _holds_any(literals: list[str]):
    """A test: does a text hold one of these literal strings?

    One pattern when they all begin with the same character, which the regex
    engine skips to; else a substring test for each, because a pattern that
    begins with a choice of characters is stepped through character by character."""
    if len({lit[0] for lit in literals}) == 1:
        return re.compile("|".join(map(re.escape, literals))).search

    def holds(text: str) -> bool:
        for lit in literals:
            if lit in text:
                return True
        return False
    return holds


def line_rule(section: str, line: str) -> bool:
    """Does one line match a line rule of boilerplate.yaml (e.g. "panel_markers")?"""
    r = rules()
    m = r["line_roles"].fullmatch(_norm(line))
    if not m:
        return False
    role, limit = r["roles"][m.lastgroup]
    return role == _GROUP[section] and len(line.split()) <= limit


def is_caption(text: str) -> bool:
    """Does a paragraph read as a photo caption (boilerplate.yaml caption_cues)?

    Cheap checks first: a cue's ``requires`` (literal strings, one must occur)
    and ``tail`` (a pattern the last characters must hold); then the cue
    itself, at the start when it begins with ``^``, else on the last
    CAPTION_TAIL characters."""
    r = rules()
    if r["caption_start"].match(text):
        return True
    last = text[-16:]
    for pattern, anchored, literal, requires, tail in r["caption_cues"]:
        if literal is not None and literal not in text:
            continue
        if requires is not None and not requires(text):
            continue
        if tail is not None and not tail.search(last):
            continue
        # (the last CAPTION_TAIL characters are cut only here: most texts never get here)
        if (pattern.match(text) if anchored else pattern.search(text[-CAPTION_TAIL:])):
            return True
    return False


# --- the shared classifier ----------------------------------------------

COHERENCE_CHARS = 1500   # a paragraph's first characters say what it is about
VOCAB_CHARS = 3000       # how much of the story its vocabulary is drawn from


def _stems(text: str, common: frozenset) -> set[str]:
    return {w[:6] for w in _TOKEN.findall(text[:COHERENCE_CHARS].lower()) if w not in common}




_PUNCT = ".,;:!?\"“”‘’«»()[]{}<>/|\\—–…*#@&+=~^`•·'"
_P = "[" + re.escape(_PUNCT) + "]"
# A run of _PUNCT at either end of a word (after a space or before one): what
# word.strip(_PUNCT) removes, found for all the words of a text in one pass.
# Each alternative begins with the character class, which the engine skips to.
_EDGE_PUNCT = re.compile(_P + r"(?:" + _P + r"*(?!\S)|(?<!\S.)" + _P + "*)")


def _stems_and_names(text: str, common: frozenset, cut: int | None = COHERENCE_CHARS
                     ) -> tuple[set[str], set[str]]:
    """(word stems, name stems) of a text's first ``cut`` characters: names are its capitalised words.

    Words are split at spaces and stripped of _PUNCT (by one pass of
    _EDGE_PUNCT over the text, cheaper than word.strip on every word). Stems
    are the first six letters of its words of three or more characters that
    are not common words and start with a letter. One loop over the distinct
    words (each lowered once) costs less than a comprehension per set. Words
    never run across a line break, so several paragraphs joined by newlines
    give the union of their own stems and names."""
    stems: set[str] = set()
    names: set[str] = set()
    for word in set(_EDGE_PUNCT.sub(" ", text[:cut]).split()):
        if len(word) > 2:
            low = word.lower()
            if low not in common:
                if low[0].isalpha():
                    stems.add(low[:6])
                if word[0].isupper():
                    names.add(low[:6])
    return stems, names


class _Captions:
    """Is unit i a photo caption? Decided on first asking: most lines never are asked."""

    def __init__(self, units: list[_Unit]):
        self.units = units
        self.memo: list[bool | None] = [None] * len(units)

    def __getitem__(self, i: int) -> bool:
        got = self.memo[i]
        if got is None:
            u = self.units[i]
            got = self.memo[i] = u.image or (4 <= u.words <= 90 and not u.heading and not u.bullet_nav()
                                             and is_caption(u.text))
        return got


class _Vocab:
    """The story's words and names so far: what a paragraph must share to belong to it.
    Texts are tokenised only when a coherence question is first asked."""

    def __init__(self, common: frozenset):
        self.common = common
        self.words: set[str] = set()
        self.names: set[str] = set()
        self.pending: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        self.pending.append(text)

    def _absorb(self) -> None:
        # The story's first few thousand characters say what it is about: the
        # paragraphs that fit are read as one text, each word looked at once.
        taken = []
        for t in self.pending:
            if self.size >= VOCAB_CHARS:
                break
            taken.append(t[:COHERENCE_CHARS])
            self.size += min(len(t), COHERENCE_CHARS)
        self.pending.clear()
        if taken:
            stems, names = _stems_and_names("\n".join(taken), self.common, cut=None)
            self.words |= stems
            self.names |= names

    def coherent(self, text: str, need: int = 3, share: float = 0.25) -> bool:
        """Shares enough words with the story: ``need`` stems making ``share`` of its own,
        or two names (people, places, organisations) and a few words."""
        if self.pending:
            self._absorb()
        toks, names_in = _stems_and_names(text, self.common)
        if not toks:
            return False
        shared = len(toks & self.words)
        if shared >= need and (shared >= 6 or shared >= share * len(toks)):
            return True
        names = len(names_in & self.names)
        return names >= 2 and shared >= min(need, 2)


def _sentence(u: _Unit) -> bool:
    """A short finished sentence: "Some say history tends to repeat itself."."""
    return u.words >= 3 and u.text.rstrip(_CLOSERS_SPACE)[-1:] in ".!?" and (u.text[0].isupper() or u.text[0] in "\"“‘'")


def _sentence_title(u: _Unit) -> bool:
    """A headline written as a short sentence: "Costa and Vos hold talks."."""
    t = u.text
    return (not u.bullet and 3 <= u.words <= 14 and t.endswith(".") and not t.endswith("..")
            and (t[0].isupper() or t[0].isdigit()))


def _meta_line(u: _Unit) -> bool:
    """A byline, a labelled or bare date line, a "Source:" label, a page address."""
    if u.words > 20 or u.heading:
        return False
    if u._meta is None:
        text = sources._clean(u.text)
        r = sources.rules()
        u._meta = bool(sources.byline_name(text) or r["source_label"].match(text) or r["url_label"].match(text)
                       or sources.published_from_line(text) is not None)
    return u._meta


def _lower_len(text: str) -> int:
    """len(text.lower()) without lowering: "İ" is the one character that lowers to two."""
    return len(text) if text.isascii() else len(text) + text.count("İ")


class _Seen:
    """The texts already kept, compared without regard to case. A text is lowered
    only when a kept one would lower to as many characters: lowering every
    paragraph of an article to find its rare duplicates cost more than the rest
    of the check."""

    def __init__(self, texts):
        self.by_length: dict[int, list[str]] = {}
        for text in texts:
            self.add(text)

    def add(self, text: str) -> None:
        self.by_length.setdefault(_lower_len(text), []).append(text)

    def __contains__(self, text: str) -> bool:
        same = self.by_length.get(_lower_len(text))
        if not same:
            return False
        low = text.lower()
        return any(t.lower() == low for t in same)


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


MARKER_WORDS = 40     # longer lines are never furniture markers, whatever a rule's max_words


def _marks(units: list[_Unit], R: dict) -> list[str]:
    """Each unit's role by the line rules (boilerplate.yaml): "ticker", "panel",
    "end", "aside", "inline", or "" for none. One loop, no call per unit: it
    runs for every line of every article."""
    line_roles, long_roles, roles, any_role = R["line_roles"], R["long_line_roles"], R["roles"], R["any_role"]
    most = min(R["max_words"], MARKER_WORDS)
    marks = []
    for u in units:
        words = u.words
        mark = ""
        if words <= most and not (u.heading and u.heading <= 2 and words > 4):
            line = u.text.lower().rstrip(_TRAIL_CHARS)    # as the rules see it
            if line and any_role.fullmatch(line):
                m = (line_roles if words <= 8 else long_roles).fullmatch(line)
                if m:
                    role, limit = roles[m.lastgroup]
                    if words <= limit:
                        mark = role
        marks.append(mark)
    return marks


def _assemble(units: list[_Unit], title_hint: str = "") -> Story:
    R = rules()
    dropped: list[tuple[int, str]] = []
    n = len(units)
    if not n:
        return Story(headline=title_hint, blocks=[], dropped=dropped)
    marks = _marks(units, R)

    # Tickers: the run of lines after a ticker marker (up to the next blank line).
    # Does the file separate its paragraphs with blank lines? Then a run of
    # three or more adjacent prose lines is a list (ticker, teasers), not a story.
    # (Counter counts in C; a dict updated line by line cost twice as much.)
    run_sizes = Counter([u.run for u in units])
    run_prose = Counter([u.run for u in units if u.prose])
    prose_idx = [i for i, u in enumerate(units) if u.prose and not u.bullet]
    blank_separated = bool(prose_idx) and sum(run_sizes[units[i].run] == 1 for i in prose_idx) >= 0.6 * len(prose_idx)

    # Tickers: the run of lines after a ticker marker, up to the next blank
    # line (in a file without blank lines: a few short lines at most).
    in_ticker = [False] * n
    for i, mk in enumerate(marks):
        if mk == "ticker":
            j = i + 1
            while j < n and units[j].run == units[i + 1].run and units[j].words >= 4 and not marks[j] and (
                    blank_separated or (j - i <= 12 and units[j].words <= 40)):
                in_ticker[j] = True
                j += 1
            # Without a blank line after the ticker, its last "item" may be the headline:
            # a title line with the byline, date or share buttons under it.
            last = j - 1
            if last > i and j < n and units[last].title_shaped() and (marks[j] == "inline" or _meta_line(units[j])):
                in_ticker[last] = False
    def listy(i: int) -> bool:
        u = units[i]
        return blank_separated and run_sizes[u.run] >= 3 and run_prose.get(u.run, 0) >= 2 and not u.bullet

    captions = _Captions(units)

    def usable(i: int) -> bool:
        return not (marks[i] or in_ticker[i] or captions[i] or listy(i))

    def prose_like(i: int) -> bool:
        u = units[i]
        return usable(i) and (u.prose or (u.bullet and u.words >= 4))

    # --- where the story's body starts: the first prose opening a dense run of prose.
    hint = _norm(title_hint) if title_hint else ""
    hinted = -1
    if hint:
        for i, u in enumerate(units[:200]):
            un = _norm(u.text)
            if un == hint or (len(un) > 20 and (un in hint or hint in un) and u.words <= 30):
                hinted = i
                break
    start = -1
    first_prose = -1
    for i in range(hinted + 1, n):
        u = units[i]
        if u.bullet or not u.prose or not usable(i) or _meta_line(u):
            continue
        if first_prose < 0:
            first_prose = i
        window = _window(units, i, marks, captions)
        dense = sum(prose_like(j) for j in window)
        if window and dense >= min(3, len(window)):
            start = i
            break
    if start < 0:
        start = first_prose
    if start < 0:   # a very short text: the first sentence after a title line
        for i in range(hinted + 1, n):
            u = units[i]
            if usable(i) and not u.bullet and u.terminal and u.words >= 5 and i > 0 and not _meta_line(u):
                start = i
                break
    if start < 0:
        for i, u in enumerate(units):
            dropped.append((u.line, "no story text"))
        return Story(headline=title_hint, blocks=[], dropped=dropped)

    # --- the headline: the earliest title-shaped line in the header just above the body.
    headline_i = hinted
    if headline_i < 0:
        h1 = [i for i in range(start) if units[i].heading == 1]
        if len(h1) >= 1:
            headline_i = h1[-1]
    stop = start
    if headline_i < 0:
        cands = []
        j = start - 1
        steps = 0
        while j >= 0 and steps < 14:
            u = units[j]
            if in_ticker[j] or marks[j] in ("ticker", "end") or (marks[j] == "panel" and cands):
                break   # (an empty panel label just above the body is skipped)
            if not marks[j] and not captions[j] and (u.prose and not _meta_line(u) or listy(j)):
                # A standfirst sits right under its headline; other prose ends the header.
                k = j - 1
                while k >= 0 and (marks[k] == "inline" or _meta_line(units[k])):
                    k -= 1
                if listy(j) or u.words > 60 or k < 0 or marks[k] or not units[k].title_shaped():
                    break
            if u.bullet and not _meta_line(u) and not marks[j]:
                k, size = j, 0
                while k >= 0 and units[k].bullet:
                    size += 1
                    k -= 1
                if size >= 3 and not any(_meta_line(units[x]) for x in range(k + 1, j + 1)):
                    break
            if not marks[j] and not captions[j] and (u.title_shaped() or _sentence_title(u)) and not _meta_line(u):
                cands.append(j)
            stop = j
            j -= 1
            steps += 1
        if cands:
            body_words = _stems(units[start].text, R["common"])
            linked = [c for c in cands if _stems(units[c].text, R["common"]) & body_words]
            headline_i = min(linked or cands)
    else:
        stop = headline_i
    headline = units[headline_i].text if headline_i >= 0 else title_hint
    top = min(stop, headline_i) if headline_i >= 0 else stop

    for i in range(0, top):
        u = units[i]
        dropped.append((u.line, "in ticker" if in_ticker[i] else "before the headline"))

    blocks: list[Block] = []
    header: list[Block] = []
    vocab = _Vocab(R["common"])
    if headline_i >= 0:
        blocks.append(Block(headline, "headline", units[headline_i].line))
        header.append(blocks[-1])
        vocab.add(headline)
    elif title_hint:
        vocab.add(title_hint)
    # Between the top of the header and the body: meta lines, standfirst, captions.
    for i in range(top, start):
        if i == headline_i:
            continue
        u = units[i]
        if marks[i] or in_ticker[i]:
            dropped.append((u.line, f"furniture ({marks[i] or 'ticker'})"))
        elif _meta_line(u):
            header.append(Block(u.text, "meta", u.line))
            dropped.append((u.line, "byline/date (header)"))
        elif captions[i]:
            blocks.append(Block(u.text, "caption", u.line))
        elif i > headline_i >= 0 and (u.title_shaped() or u.prose or _sentence(u)) and not u.bullet:
            blocks.append(Block(u.text, "standfirst", u.line))
            vocab.add(u.text)
        else:
            dropped.append((u.line, "header furniture"))

    # --- the body.
    story = Story(headline=headline, blocks=blocks, dropped=dropped, header=header)
    _walk_body(units, start, marks, captions, vocab, story)
    return story


def _window(units: list[_Unit], i: int, marks: list[str], captions: "_Captions", size: int = 5) -> list[int]:
    """The first ``size`` units in the 15 after unit i, leaving out furniture lines,
    captions and subheads. Stops when it has them: each caption question costs."""
    window = []
    for j in range(i + 1, min(len(units), i + 16)):
        u = units[j]
        if not marks[j] and not captions[j] and not u.heading and not (u.title_shaped() and not u.prose):
            window.append(j)
            if len(window) == size:
                break
    return window


def _walk_body(units: list[_Unit], start: int, marks: list[str], captions: _Captions, vocab: _Vocab,
               story: Story) -> None:
    blocks, dropped = story.blocks, story.dropped
    n = len(units)
    mode = "story"
    in_panel = ""                   # the reason lines of the current panel are dropped
    seen = _Seen([story.headline] + [b.text for b in blocks])
    caption_words: list[set[str]] = [set(_TOKEN.findall(b.text.lower())) for b in blocks if b.kind == "caption"]
    titles: list[int] = []          # title-shaped units waiting for what follows them
    aside_next = False
    paragraphs = 0

    def flush_titles(keep: bool, reason: str = "") -> None:
        if keep and len(titles) == 1:
            u = units[titles[0]]
            blocks.append(Block(u.text, "subhead", u.line))
        else:
            for t in titles:
                dropped.append((units[t].line, reason or "headline list (links to other stories)"))
        titles.clear()

    for i in range(start, n):
        u = units[i]
        mk = marks[i]
        if mk == "end":     # the story is over: all that follows goes
            flush_titles(False, "before the end of the story")
            dropped.append((u.line, "end marker"))
            after = f"after {u.text!r}"
            dropped.extend((v.line, after) for v in units[i + 1:])
            break
        if mk in ("panel", "ticker"):
            flush_titles(False, f"before panel {u.text!r}")
            mode, in_panel = "panel", f"in panel {u.text!r}"
            dropped.append((u.line, "panel marker"))
            continue
        if mk == "inline":
            dropped.append((u.line, "furniture"))
            continue
        if mk == "aside":
            aside_next = True
            dropped.append((u.line, "aside label"))
            continue
        if mode == "panel":
            if _resumes(units, i, marks, captions, vocab):
                mode = "story"
            else:
                dropped.append((u.line, in_panel))
                continue
        if u.text in seen:
            dropped.append((u.line, "duplicate"))
            continue
        if captions[i]:
            words = set(_TOKEN.findall(u.text.lower()))
            if any(_jaccard(words, c) >= 0.6 for c in caption_words[-24:]):
                dropped.append((u.line, "duplicate caption"))
                continue
            flush_titles(True)
            caption_words.append(words)
            seen.add(u.text)
            blocks.append(Block(u.text, "caption", u.line))
            continue
        if paragraphs < 3 and _meta_line(u):
            story.header.append(Block(u.text, "meta", u.line))
            dropped.append((u.line, "byline/date"))
            continue
        if u.bullet:
            if u.words <= 3:
                dropped.append((u.line, "menu or tag list"))
                continue
            flush_titles(True)
            seen.add(u.text)
            blocks.append(Block(u.text, "item", u.line))
            continue
        if u.quote and u.words >= 3:
            flush_titles(True)
            seen.add(u.text)
            blocks.append(Block(u.text, "quote", u.line))
            vocab.add(u.text)
            continue
        if u.heading or (u.title_shaped() and not u.prose) or (
                u.words == 2 and not u.terminal and u.text[0].isupper() and len(u.text) <= 40):
            titles.append(i)
            continue
        if not u.prose:
            short_sentence = u.words >= 2 and u.text.rstrip(_CLOSERS_SPACE)[-1:] in ".!?" and u.text[0].isupper()
            if not u.terminal or (u.words <= 3 and not short_sentence):
                dropped.append((u.line, "fragment"))
                continue
        elif not u.terminal and u.words >= 20 and titles and not vocab.coherent(u.text, need=2):
            # A title line, then a summary cut off mid-sentence: another story's teaser.
            flush_titles(False, "teaser title")
            dropped.append((u.line, "teaser (cut-off text of another story)"))
            continue
        # A paragraph of the story.
        flush_titles(len(titles) == 1 or all(units[t].heading for t in titles))
        seen.add(u.text)
        kind = "aside" if aside_next else "paragraph"
        aside_next = False
        text = u.text
        if paragraphs < 3 and kind == "paragraph" and not story.dateline:
            text = _split_dateline(text, story)
        if paragraphs == 0 and kind == "paragraph":
            text = _strip_headline_prefix(text, story)
        blocks.append(Block(text, kind, u.line))
        if kind == "paragraph":
            paragraphs += 1
            vocab.add(text)
    flush_titles(False, "after the last paragraph")
    _trim_tail(story, vocab)


def _resumes(units: list[_Unit], i: int, marks: list[str], captions: "_Captions", vocab: _Vocab) -> bool:
    """Does the story resume at unit i, after a panel? Panels hold title lines, dates,
    labels, captions and teaser summaries (a title, then a summary); the story holds
    finished paragraphs. A finished paragraph resumes the story when it shares the
    story's vocabulary, when another finished paragraph follows it, or when it does
    not sit under a title line the way a teaser summary does."""
    def finished(k: int) -> bool:
        u = units[k]
        return (u.terminal and u.words >= 5 and not u.bullet and not u.heading and not marks[k]
                and not captions[k] and u.text.rstrip(_CLOSERS_SPACE)[-1:] in ".!?…")

    if not finished(i):
        return False
    k = i + 1
    while k < len(units) and marks[k] == "inline":
        k += 1
    if k < len(units) and finished(k):
        return True
    k = i - 1
    while k >= 0 and marks[k] == "inline":
        k -= 1
    if k >= 0 and not marks[k] and not captions[k] and units[k].terminal \
            and not (units[k].title_shaped() and not units[k].prose):
        return True
    return vocab.coherent(units[i].text)     # the costly question last


def _trim_tail(story: Story, vocab: _Vocab) -> None:
    """Items and subheads after the last paragraph that have nothing to do with the story."""
    blocks = story.blocks
    last = max((i for i, b in enumerate(blocks) if b.kind in ("paragraph", "quote", "aside")), default=-1)
    if last < 0:
        return
    keep = blocks[:last + 1]
    for b in blocks[last + 1:]:
        if b.kind in ("item", "subhead") and not vocab.coherent(b.text, need=2, share=0.3):
            story.dropped.append((b.line, "unrelated list after the story"))
        else:
            keep.append(b)
    story.blocks[:] = keep


def dateline_parts(text: str) -> tuple[str, str, int, bool] | None:
    """(place, agency, end of the dateline, glued to the text) when ``text`` opens with a dateline."""
    m = sources.rules()["dateline"].match(text)
    if not m:
        return None
    groups = m.groupdict()
    place = next((v for k, v in groups.items() if v and k.startswith(("place", "glued"))), "")
    agency = next((v for k, v in groups.items() if v and k.startswith("agency")), "")
    return place.strip(" ,"), (agency or "").strip(), m.end(), bool(groups.get("glued"))


def _split_dateline(text: str, story: Story) -> str:
    found = dateline_parts(text)
    if not found:
        return text
    place, agency, end, glued = found
    story.dateline, story.dateline_agency = place, agency
    return f"{place} — {text[end:]}" if glued else text


_PREFIX_SEP = re.compile(r"\s*[/|]\s*")


def _strip_headline_prefix(text: str, story: Story) -> str:
    """"Headline/ Outlet/ CITY/ Author/ Edition/ Standfirst..." keeps the standfirst only."""
    head = story.headline
    if not head or not text.startswith(head) or len(text) <= len(head) + 1 or text[len(head)] not in "/|:–—-":
        return text
    parts = _PREFIX_SEP.split(text[len(head):].lstrip(" /|:–—-"))
    k = 0
    while k < len(parts) - 1 and len(parts[k].split()) <= 4:
        k += 1
    if k:
        story.header.append(Block(" / ".join(parts[:k]), "meta", 0))
    return " / ".join(parts[k:]) if k else text


# --- entry point -----------------------------------------------------------

def find_story(article: "Article") -> Story:
    """The article's own text as blocks, and what was dropped around it."""
    cached = getattr(article, "_story", None)
    if cached is not None and cached[0] is article.text:
        return cached[1]
    if article.format == "html":
        from .story_html import _html_story   # here: story_html builds on this module
        story = _html_story(article)
    else:
        first = getattr(article, "first_line", 1)
        units = _md_units(article.text, first) if article.format == "md" else _txt_units(article.text, first)
        hint = article.meta["title"].value if "title" in article.meta else ""
        story = _assemble(units, hint)
    try:
        article._story = (article.text, story)
    except AttributeError:  # pragma: no cover - a foreign Article-like object
        pass
    return story
