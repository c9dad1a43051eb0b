"""Tag dates: find time expressions in English news text and normalise them (TIMEX3).

    >>> import datetime as dt
    >>> [(t.text, t.value) for t in tag("Talks were held on Monday.", dt.date(2025, 5, 20))]
    [('Monday', '2025-05-19')]

How it works, in three steps per text:

1. **Find.** Content words (months, weekdays, units...) and numbers mark where to
   look. At each of them, and at up to four words before one, the rules of
   builder/data/timex.yaml that can begin with the two tokens found there are tried
   in file order; the first that matches wins and the scan goes on after it.
   (builder/timex_rules.py loads and compiles the rules; builder/timex_index.py works
   out what each can begin with.) A rule may check the words around its match
   (``left``/``right``), and the ``blocked`` false friends ("3-year-old", "now that",
   "May" the verb) veto it; the next rule then gets its chance at the same place.
2. **Resolve.** The rule's resolver (builder/timex_resolve.py, with the calendar
   arithmetic in builder/timex_calendar.py) turns the match into a TIMEX3 value
   against the anchor, the publication date. A bare weekday, month or quarter takes
   the tense of its clause from the nearest cue word ("will", "is due to" -> the
   coming one; "said" or any -ed verb -> the past one). Anaphoric rules ("the day",
   "a day later", "18:00 UTC") are resolved last, against the latest full date
   mentioned before them.
3. **Report** `Timex` records with exact character offsets, in text order, never
   overlapping.

`tag` never raises: a text it cannot read yields fewer timexes, not an error.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from pathlib import Path
from typing import NamedTuple

from .alternation import lowered
from .timex_resolve import RESOLVERS, Ctx, Value
from .timex_rules import ANY, DIGIT, Knowledge, load_rules

log = logging.getLogger(__name__)

__all__ = ["Tagger", "Timex", "tag", "tag_jsonl"]


class Timex(NamedTuple):
    """A time expression found in a text. (A named tuple: immutable like a frozen dataclass,
    but made by one tuple.__new__, where a frozen dataclass sets each of its nine fields
    through object.__setattr__ at several times the cost; one is made for every expression.)"""
    start: int            # char offset into the text given (end exclusive), text[start:end] == self.text
    end: int
    text: str
    type: str             # DATE | TIME | DURATION | SET
    value: str            # TIMEX3 value, resolved against the anchor when the expression is relative
    end_value: str | None = None  # last day of a span ("May 8-10" -> end_value 2025-05-10)
    mod: str | None = None        # TIMEX3 mod: START, MID, END, APPROX, ...
    relative: bool = False        # True when the value depended on the anchor
    future: bool = False          # resolved as future relative to the anchor (tense / "next")

    def moved(self, by: int) -> "Timex":
        """The same expression, its offsets moved ``by`` characters (into a sentence of the text)."""
        return Timex(self.start + by, self.end + by, self.text, self.type, self.value, self.end_value, self.mod,
                     self.relative, self.future)


# A sentence's end (also a clause's, after ";"): ". " before a capital, "; ", or a new
# line. One character class first, so that the engine can skip to those characters.
_SENTENCE_END = re.compile(r"""[.!?;\n](?:(?<=[.!?])[\"'”’)]*\s+(?=[\"“‘`(A-Z0-9])|(?<=;)\s|(?<=\n))""")
PENDING = Value("")  # an anaphoric expression, resolved once the dates before it are known
_DAY_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class _Scan:
    """The per-text state the resolvers may ask for: sentence bounds and the tense of a clause."""

    def __init__(self, k: Knowledge, text: str):
        self.k = k
        self.text = text
        self.low = lowered(text)  # the cues are matched in lower case: three times faster than re.I
        self.raw = self.low.encode("ascii", "replace")  # one byte per character, "?" outside ASCII
        self.words = b" " + self.raw.translate(_LETTERS_ONLY) + b" "  # a-z words between spaces: words[i + 1] is low[i]
        self.tokens = self.words.split()  # those words (bytes: the fastest split), for the heads and the cues
        self._cue_words: list | None = None  # the words of the text a cue may begin with, once asked
        self._cues: dict[tuple[int, int], list] = {}  # sentence -> [(start, end, is_future)]

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        text = self.text
        s = max(0, start - 300, text.rfind("\n", 0, start) + 1)
        for m in _SENTENCE_END.finditer(text, s, start):
            s = m.end()
        nl = text.find("\n", end)
        e = min(len(text) if nl == -1 else nl, end + 300)
        m = _SENTENCE_END.search(text, end, e)
        return s, (m.start() + 1 if m else e)

    def tense(self, start: int, end: int) -> str | None:
        """"future" or "past" from the cue word nearest the expression in its sentence, or None."""
        span = self.sentence(start, end)
        cues = self._cues.get(span)
        if cues is None:
            if self._cue_words is None:
                self._cue_words = list(self.k.cue_words.intersection(self.tokens))
            cues = self._cues[span] = _cues_in(self.k, self.low, self.words, *span, self._cue_words)
        best, best_dist = None, None
        for cs, ce, future in cues:
            if cs < end and ce > start:
                continue  # a cue inside the expression ("next Monday") is handled by its rule
            dist = start - ce if ce <= start else (cs - end) * 1.5
            if cs >= end and "," in self.text[end:cs]:
                dist *= 3  # ", his office said": the report's tense, not the event's
            if best_dist is None or dist < best_dist:
                best, best_dist = ("future" if future else "past"), dist
        return best


def _cues_in(k: Knowledge, low: str, words: bytes, s: int, e: int,
             cue_words=None) -> list[tuple[int, int, bool]]:
    """The tense cues of ``low[s:e]`` as (start, end, is_future): the matches of
    ``k.cues.finditer(low, s, e)``, found by trying the pattern only where a cue may
    begin (the pattern starts with "\\b", so a search would try it at every character).
    ``words``: the a-z words of ``low`` (see _Scan); ``cue_words``: those of them that
    begin a cue, if known (else all of ``k.cue_words`` are looked for)."""
    out: list[tuple[int, int, bool]] = []
    match, done = k.cues.match, s
    for i in sorted(_cue_places(k, low, words, s, e, k.cue_words if cue_words is None else cue_words)):
        if i >= done and (m := match(low, i, e)) is not None:
            out.append((i, m.end(), bool(m.group("future"))))
            done = m.end()  # as finditer: the next cue begins after this one
    return out


def _cue_places(k: Knowledge, low: str, words: bytes, s: int, e: int, cue_words) -> set[int]:
    """Every place in ``low[s:e]`` where a cue can begin, and some more: a word that begins
    a cue ("is" for "is due to"; those of ``cue_words`` found as whole words), a word ending
    in -ed (a past cue, see the cue pattern in builder/timex_rules.py), a mark a cue begins
    with ("'ll").

    The words are read in the text's a-z words, not in the sentence's own: a word cut by
    ``s`` is no whole word there, and needs none (the pattern's leading "\\b" sees the letter
    before ``s``: no cue begins inside it); a word cut by ``e`` is none either, yet a cue
    may match its beginning ("will" of "willing", the search ending at ``e``): its
    beginning is always a place."""
    places = set()
    # low[s - 1:e + 1] as a-z words, anything else a space: b[i] is low[s + i - 1].
    b = words[s:e + 2]
    for w in cue_words:
        w = b" " + w + b" "
        i = b.find(w)
        while i != -1:
            places.add(s + i)
            i = b.find(w, i + len(w) - 1)
    i = b.find(b"ed ")
    while i != -1:
        start = s + max(b.rfind(b" ", 0, i), 0)  # (s: a word cut by s, see above)
        while start > s and (low[start - 1].isalnum() or low[start - 1] == "_"):
            start -= 1  # the word goes on beyond a-z ("naïved", "x2ed"): back to its beginning
        places.add(start)
        i = b.find(b"ed ", i + 3)
    if e > s and b[-1] != 32 and b[-2] != 32:  # a word cut by e (low[e - 1] and low[e] a-z)
        start = s + max(b.rfind(b" "), 0)
        places.add(start)  # where a cue may begin, and where an -ed word may, below
        while start > s and (low[start - 1].isalnum() or low[start - 1] == "_"):
            start -= 1
        places.add(start)
    for mark in k.cue_marks:
        i = low.find(mark, s, e)
        while i != -1:
            places.add(i)
            i = low.find(mark, i + 1, e)
    return places


WINDOW = 40  # how far before a content word an expression may start ("over the past five years")
BACK = 4     # and in words ("the end of last year")
# A number (3.5 and 1,000 are one) and the token after it. ("\d\d*", not "\d+": a
# pattern that starts with a character class lets the engine skip to the digits.)
_NUMBER_NEXT = re.compile(r"(\d\d*(?:[.,]\d+)*)(?=[^\S\n]*([a-z]+|\d+|[^\s\d]))?")
# Up to four words before a position, read in the reversed text (so that one match finds them).
# (A word may end in digits: "Q3", read backwards "3q"; a number counts as a word, so that
# "every" is read before "2 Mondays".)
_WORD_BACK = r"(\d*[a-z]+|\d+)"
_BACK_WORDS = re.compile(rf"[^a-z0-9\n]*{_WORD_BACK}?(?:[^a-z0-9\n]+{_WORD_BACK})?(?:[^a-z0-9\n]+{_WORD_BACK})?"
                         rf"(?:[^a-z0-9\n]+{_WORD_BACK})?")
# The first two tokens at a position: words, numbers (3.5 and 1,000 are one) or single marks.
_TWO_TOKENS = re.compile(r"(?:(\d+(?:[.,]\d+)*)|([a-z]+|\S))[^\S\n]*([a-z]+|\d+|[^\s])?")
_LETTERS_ONLY = bytes(c if 97 <= c <= 122 else 32 for c in range(256))  # a-z kept, all else a space


def _starts(k: Knowledge, scan: _Scan) -> list[int]:
    """Positions worth trying the rules at: a head (a content word such as a month or a
    unit, or a number that some rule can begin with), and up to BACK words before it
    that some rule can begin with ("the end of last year")."""
    low, raw, words = scan.low, scan.raw, scan.words
    starts: set[int] = set()
    heads = _word_heads(k, low, words, starts, scan.tokens)
    digits = _holds_digits(low, raw)
    if digits:
        numbers = _number_heads(k, low)
        heads += numbers
        starts.update(numbers)
    if not heads:
        return []
    if digits:
        _add_words_before(k, low, heads, starts)
    else:
        _add_plain_words_before(k, low, words, heads, starts)
    return sorted(starts)


def _add_words_before(k: Knowledge, low: str, heads: list[int], starts: set[int]) -> None:
    """Add to ``starts`` the words before each head that some rule can begin with."""
    rev = low[::-1]
    n = len(low)
    first = k.rev_first_words
    for h in heads:
        regs = _BACK_WORDS.match(rev, n - h, n - h + WINDOW + 8).regs  # spans of the words, last first
        limit = max(h - WINDOW, 0)
        for g in range(1, BACK + 1):
            ws, we = regs[g]
            if ws < 0 or n - we < limit:
                break
            word = rev[ws:we]
            if word[0] <= "9":
                word = word.lstrip("0123456789")
            if word in first or k.always:  # a rule of unknown beginning may start at any word
                starts.add(n - we)


def _add_plain_words_before(k: Knowledge, low: str, words: bytes, heads: list[int], starts: set[int]) -> None:
    """``_add_words_before`` for the word heads of a text without digits, where the words are
    the a-z words (``words``, see _starts): the last BACK words of a head's line, within WINDOW
    characters of it. A split from the right gives them; only those some rule can begin with
    are then looked for, as whole words (a word cut by the window's edge is none)."""
    first = k.first_bytes
    for h in heads:
        lo = max(h - WINDOW, low.rfind("\n", 0, h) + 1)
        last = words[lo + 1:h + 1].rsplit(None, BACK)  # low[lo:h]: its last words, after any before them
        begin = lo  # where, in ``words``, the space before the first of them may stand
        if len(last) > BACK:
            begin += len(last.pop(0)) + 1
        for w in set(last) if k.always else first.intersection(last):  # always: a rule of unknown beginning
            w = b" " + w + b" "
            i = words.find(w, begin, h + 2)  # up to the space after low[:h] (before the head, or the end's)
            while i != -1:
                starts.add(i)
                i = words.find(w, i + len(w) - 1, h + 2)


def _word_heads(k: Knowledge, low: str, words: bytes, starts: set[int] | None = None,
                tokens: list | None = None) -> list[int]:
    """Where the content words that can carry an expression stand, as whole words
    (``words``: the a-z words of ``low`` between spaces, see _starts); added to ``starts``
    too if some rule can begin with them (no rule begins with "ago": no rule is tried there).
    ``tokens``: ``words.split()``, if already made."""
    heads: list[int] = []
    n = len(low)
    for w in k.head_bytes.intersection(words.split() if tokens is None else tokens):
        begins = starts is not None and (w in k.first_bytes or bool(k.always))
        size = len(w)
        w = b" " + w + b" "
        i = words.find(w)
        while i != -1:
            j = i + size
            if (i == 0 or not low[i - 1].isalpha()) and (j == n or not low[j].isalpha()):  # "café" is a word
                heads.append(i)
                if begins:
                    starts.add(i)
            i = words.find(w, j + 1)
    return heads


_DIGITS_HASHED = bytes(35 if 48 <= c <= 57 else c for c in range(256))  # "0"-"9" as "#", all else kept


def _holds_digits(low: str, raw: bytes) -> bool:
    """Whether ``low`` may hold a digit (what "\\d" matches); False only if it holds none.
    Told without a regex search: most paragraphs of news hold no number, and few
    characters outside ASCII (quotes, dashes)."""
    if raw.translate(_DIGITS_HASHED) != raw:  # (a plain translate is cheaper than one that deletes)
        return True
    outside = raw.find(63)  # "?": a character outside ASCII, or a question mark
    for _ in range(20):  # more than a few such characters: let the search tell
        if outside == -1:
            return False
        if low[outside].isdecimal():
            return True
        outside = raw.find(63, outside + 1)
    return True


def _number_heads(k: Knowledge, low: str) -> list[int]:
    """Where the numbers that some rule can begin with stand ("'82" at its apostrophe)."""
    heads: list[int] = []
    pairs = k.dispatch2
    for m in _NUMBER_NEXT.finditer(low):
        i = m.start()
        before = low[i - 1] if i else " "
        if before in "$£€":
            continue  # money
        nxt = m.group(2) or ANY
        if nxt[0].isdigit():
            nxt = DIGIT
        if before in "'’":
            heads.append(i - 1)  # '82
        elif m.end(1) - i == 4 or (DIGIT, nxt) in pairs:
            heads.append(i)
    return heads


def _candidates(k: Knowledge, scan: _Scan, resolve, tried: list | None = None):
    """(rule, start, end, groups, value) for each expression found, left to right, not overlapping.

    ``resolve(rule, start, end, groups)`` gives the value, None to reject (the next rules are
    then tried at the same place), or PENDING for an anaphoric rule resolved later. Each
    resolution tried is appended to ``tried``, if given, as (rule, start, end, groups, accepted)."""
    text, low = scan.text, scan.low
    rules, dispatch2, always = k.rules, k.dispatch2, k.always
    done = 0  # end of the last expression taken
    for start in _starts(k, scan):
        if start < done:
            continue
        m = _TWO_TOKENS.match(low, start)
        if m is None:
            continue
        number, word, t2 = m.groups()
        t1 = DIGIT if number else word
        if t2 is None:
            t2 = ANY
        elif t2[0] <= "9" and t2[0].isdigit():
            t2 = DIGIT
        for j in dispatch2.get((t1, t2)) or dispatch2.get((t1, ANY)) or always:
            rule = rules[j]
            mm = rule.regex.match(text, start)
            if mm is not None:
                found = _accept(k, rule, mm, text, low)
                if found is not None:
                    value = resolve(*found)
                    if tried is not None:
                        tried.append((*found, value is not None))
                    if value is not None:
                        yield (*found, value)
                        done = found[2]
                        break


def _accept(k: Knowledge, rule, m: re.Match, text: str, low: str):
    start, end = m.span()
    if end <= start:
        return None
    if rule.left is not None and not rule.left.search(text[max(0, start - 40):start]):
        return None
    if rule.right is not None and not rule.right.search(text[end:end + 40]):
        return None
    if rule.blocked is not None:
        around = max(0, start - 40), min(len(text), end + 40)
        if _may_hold(rule.blocked_needs, low, *around):
            for b in rule.blocked.finditer(text, *around):
                if b.start() < end and b.end() > start:
                    return None
    return rule, start, end, m.groupdict()


def _may_hold(needs: tuple | None, low: str, start: int, end: int) -> bool:
    """False if ``low[start:end]`` lacks the strings every match of a pattern holds (see
    timex_index.literal_needs): a few ``in`` tests instead of a search trying the
    pattern at every character."""
    window = low[start:end]
    if needs is None or not window.isascii():
        return True
    for sets in needs:  # (loops, not any() and all(): generators cost more than the tests)
        for one_of in sets:
            for s in one_of:
                if s in window:
                    break
            else:
                break  # none of this set: not this alternative
        else:
            return True
    return False


def tag(text: str, anchor: dt.date | None) -> list[Timex]:
    """Every time expression in ``text``, with its TIMEX3 value resolved against ``anchor``.

    With ``anchor=None`` relative expressions get the unknown form (``XXXX-XX-XX`` for a
    weekday, ``XXXX-05-08`` for "May 8") and ``relative=True``. Never raises."""
    if not isinstance(text, str) or not text:
        return []
    return _safe(text, anchor, None)


class Tagger:
    """``tag`` for the texts of one document, which may be tagged more than once
    (first without an anchor, to infer the publication date, then against it).
    Finding the expressions is most of the work and hardly depends on the anchor,
    so it is remembered: tagging a text again resolves the same expressions against
    the new anchor, and the text is scanned afresh only if one of them then resolves
    differently (accepted where it was rejected, or the other way round). The
    result is always that of ``tag``. Keep one per document: it holds its texts."""

    def __init__(self):
        self._found: dict[str, list] = {}  # text -> every resolution tried, in order (see _tag)

    def __call__(self, text: str, anchor: dt.date | None) -> list[Timex]:
        return tag(text, anchor) if not isinstance(text, str) or not text else _safe(text, anchor, self._found)


def _safe(text: str, anchor, remembered: dict | None) -> list[Timex]:
    if anchor is not None and not isinstance(anchor, dt.date):
        anchor = None
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    try:
        return _tag(load_rules(), text, anchor, remembered)
    except Exception:  # a bug must not lose the article: report it and return what is safe
        log.exception("timex: tagging failed on a text of %d characters", len(text))
        return []


def _tag(k: Knowledge, text: str, anchor: dt.date | None, remembered: dict | None = None) -> list[Timex]:
    scan = _Scan(k, text)
    tense = scan.tense

    def first_pass(rule, start, end, groups):
        # (_resolve written out: this is called for every candidate, and a call layer costs)
        if rule.anaphoric:
            return PENDING
        try:
            return RESOLVERS[rule.resolve](groups, Ctx(k, text, start, end, anchor, tense))
        except (ValueError, OverflowError):  # as in _resolve
            return None

    # The scan tries rules in order at each place and takes the first whose value
    # resolves, so the expressions found depend on the anchor only through which
    # resolutions fail: replaying the resolutions tried last time is the same scan
    # as long as each succeeds or fails as it did then.
    tried = remembered.get(text) if remembered is not None else None
    found = _replay(tried, first_pass) if tried is not None else None
    if found is None:
        tried = [] if remembered is not None else None
        found = [(start, end, rule, groups, None if value is PENDING else value)
                 for rule, start, end, groups, value in _candidates(k, scan, first_pass, tried)]
        if remembered is not None:
            remembered[text] = tried
    # Second pass, in text order: anaphoric expressions take the latest date before them.
    out: list[Timex] = []
    days: list[str] = []  # the DATE and TIME values so far: the latest full day among them, read when asked
    last_value: str | None = None
    for i, (start, end, rule, groups, value) in enumerate(found):
        if value is None:
            value = _resolve(k, scan, rule, groups, start, end, anchor, _last_day(days), last_value,
                             lambda: _next_day(text, found, i))
            if value is None:
                continue
        typ = value.type or rule.type
        out.append(Timex(start, end, text[start:end], typ, value.value, value.end_value, value.mod,
                         value.relative, value.future))
        if typ == "DATE" and value.value[:1].isdigit():
            last_value = value.value
        if typ in ("DATE", "TIME"):
            days.append(value.value)
    return out


def _last_day(days: list[str]) -> dt.date | None:
    """The day of the latest value of ``days`` that begins with a valid YYYY-MM-DD, or None.
    (Read only for an anaphoric expression, which few texts hold, rather than after every
    date; the values before it are dropped, so that each is read at most once or twice.)"""
    for j in range(len(days) - 1, -1, -1):
        if _DAY_VALUE.match(days[j]):
            try:
                day = dt.date.fromisoformat(days[j][:10])
            except ValueError:
                continue
            del days[:j]
            return day
    days.clear()
    return None


def _replay(tried: list, first_pass) -> list | None:
    """The expressions of an earlier scan, resolved again; None if any resolution
    now succeeds where it failed or fails where it succeeded (scan again then)."""
    found = []
    for rule, start, end, groups, accepted in tried:
        value = first_pass(rule, start, end, groups)
        if (value is not None) != accepted:
            return None
        if value is not None:
            found.append((start, end, rule, groups, None if value is PENDING else value))
    return found


_GLUE = re.compile(r"[\s,]*(?:on\s+)?")


def _next_day(text: str, found: list, i: int) -> dt.date | None:
    """The full date written right after expression ``i`` ("16:15 UTC, June 1st"), if any."""
    if i + 1 >= len(found):
        return None
    start, end, value = found[i][1], found[i + 1][0], found[i + 1][4]
    if value is None or not _DAY_VALUE.match(value.value) or _GLUE.fullmatch(text, start, end) is None:
        return None
    try:
        return dt.date.fromisoformat(value.value[:10])
    except ValueError:
        return None


def _resolve(k, scan: _Scan, rule, groups, start, end, anchor, ref_day=None, ref_value=None,
             next_day=None) -> Value | None:
    ctx = Ctx(k, scan.text, start, end, anchor, scan.tense, ref_day, ref_value, next_day)
    try:
        return RESOLVERS[rule.resolve](groups, ctx)
    except (ValueError, OverflowError):  # "2000 years ago" from 2000-01-01: no such date, no timex
        return None


def parse_anchor(value) -> dt.date | None:
    """The anchor date of a document's ``dct`` ("2025-05-16", "2025-05-16T10:00:00Z"), or None."""
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def timex_dict(t: Timex) -> dict:
    """``t`` as a line of the tags JSONL (end_value and mod only when set)."""
    d = {"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value}
    if t.end_value:
        d["end_value"] = t.end_value
    if t.mod:
        d["mod"] = t.mod
    return d


def tag_jsonl(input_path: Path, output_path: Path | None) -> int:
    """Tag every {"id","dct","text"} line of ``input_path``; write {"id","timexes"} lines.

    ``output_path`` None writes to standard output. A line that is not a JSON object with
    a text is reported with its line number and skipped. Returns the number of documents tagged."""
    out = open(output_path, "w", encoding="utf-8") if output_path is not None else sys.stdout
    done = 0
    try:
        with open(input_path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    doc = json.loads(line)
                    text = doc["text"]
                    if not isinstance(text, str):
                        raise TypeError("text is not a string")
                except (ValueError, KeyError, TypeError) as err:
                    print(f"{input_path}:{lineno}: skipped ({err})", file=sys.stderr)
                    continue
                timexes = tag(text, parse_anchor(doc.get("dct")))
                out.write(json.dumps({"id": doc.get("id"), "timexes": [timex_dict(t) for t in timexes]},
                                     ensure_ascii=False) + "\n")
                done += 1
    finally:
        if out is not sys.stdout:
            out.close()
    return done
