"""Where the tagger looks: what each rule can begin with, which words carry a date.

Running every rule at every character of an article is far too slow in Python.
The tagger (builder/timex.py) finds "heads" (content words such as months and
units, and numbers), looks at the few words just before each head, and at each
such word tries only the rules that can begin with its first two tokens. This
module works those tokens out from each rule's regex (`first_two_tokens`) and
collects the words a rule is made of (`literal_words`, `vocab_words`).
"""
from __future__ import annotations

import re


def _drop_lookarounds(pattern: str) -> str:
    """``pattern`` without its look-ahead/behind groups (their words are context, not content)."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i) and (i == 0 or pattern[i - 1] != "\\"):
            depth, j = 0, i
            while j < len(pattern):
                if pattern[j] == "\\":
                    j += 2
                    continue
                depth += pattern[j] == "("
                depth -= pattern[j] == ")"
                j += 1
                if depth == 0:
                    break
            i = j
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


def literal_words(pattern: str) -> set[str]:
    """The plain words written in a rule pattern (outside placeholders, classes, look-arounds)."""
    pattern = _drop_lookarounds(pattern)
    s = re.sub(r"\{[A-Z_]+\}|\(\?P<\w+>|\(\?[-aiLmsux]*:|\\[a-zA-Z]|\[[^\]]*\]", " ", pattern)
    return {w.lower() for w in re.findall(r"[A-Za-z]+", s)}


def vocab_words(v: dict) -> set[str]:
    words: set[str] = set()

    def add(x):
        if isinstance(x, str):
            words.update(w.lower().replace("’", "'") for w in re.findall(r"[A-Za-z][A-Za-z'’]*", x))
        elif isinstance(x, dict):
            for key, val in x.items():
                add(key)
                if isinstance(val, dict):
                    add(val.get("forms") or [])
        elif isinstance(x, list):
            for y in x:
                add(y)

    for key in ("months", "month_abbreviations", "weekdays", "weekday_abbreviations", "seasons", "parts_of_day",
                "number_words", "vague_numbers", "ordinals", "units", "unit_adjectives", "duration_mods", "mods",
                "relative_days", "shifts", "refs", "frequencies", "holidays", "time_zones"):
        add(v.get(key))
    return words


DIGIT = "#"   # the first token of a rule or text position that is a number


ANY = "*"  # a rule that may end after its first token accepts any second token
_MAX_STATES = 30000


def first_two_tokens(pattern: str) -> set[tuple[str, str]] | None:
    """The (first, second) tokens a match of ``pattern`` can begin with, or None if unknown.

    Tokens: a run of letters (lower case), DIGIT for a run of digits, or one other
    non-space character; spaces only separate. A match that may end after one token
    gives (token, ANY)."""
    from re import _constants as c, _parser

    class Unknown(Exception):
        pass

    def chars_of(items) -> set[str]:
        out: set[str] = set()
        for op, av in items:
            if op is c.LITERAL:
                out.add(chr(av).lower())
            elif op is c.RANGE and av[1] - av[0] < 80:
                out.update(chr(x).lower() for x in range(av[0], av[1] + 1))
            elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
                out.update("0123456789")
            elif op is c.CATEGORY and av is c.CATEGORY_SPACE:
                out.add(" ")
            else:
                raise Unknown
        return out

    done_pairs: set[tuple[str, str]] = set()

    def feed(state, ch):
        toks, cur = state
        if ch.isalpha():
            if cur == DIGIT:
                toks, cur = toks + (cur,), ""
            nxt = (toks, cur + ch)
        elif ch.isdigit():
            nxt = (toks, DIGIT) if cur in ("", DIGIT) else (toks + (cur,), DIGIT)
        elif ch.isspace():
            nxt = (toks + (cur,), "") if cur else (toks, "")
        else:
            nxt = ((toks + (cur,)) if cur else toks) + (ch,), ""
            nxt = (nxt[0], "")
        if len(nxt[0]) >= 2:
            done_pairs.add(nxt[0][:2])
            return None
        return nxt

    def step(states: set, chars: set[str]) -> set:
        out = set()
        for st in states:
            for ch in chars:
                n = feed(st, ch)
                if n is not None:
                    out.add(n)
        if len(out) + len(done_pairs) > _MAX_STATES:
            raise Unknown
        return out

    def seq(items, states: set) -> set:
        for op, av in items:
            if not states:
                break
            states = item(op, av, states)
        return states

    def item(op, av, states) -> set:
        if op is c.LITERAL:
            return step(states, {chr(av).lower()})
        if op is c.IN:
            if av and av[0][0] is c.NEGATE:
                if (c.CATEGORY, c.CATEGORY_NOT_SPACE) in av:  # [^\S\n]: a space
                    return step(states, {" "})
                raise Unknown
            return step(states, chars_of(av))
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
            return states
        if op is c.SUBPATTERN:
            return seq(av[-1], states)
        if op is getattr(c, "ATOMIC_GROUP", None):
            return seq(av, states)
        if op is c.BRANCH:
            out: set = set()
            for alt in av[1]:
                out |= seq(alt, set(states))
            return out
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av
            out = set(states) if lo == 0 else set()
            cur = set(states)
            for n in range(1, min(hi, 6) + 1):
                cur = seq(sub, cur)
                if n >= lo:
                    out |= cur
                if not cur:
                    break
            if hi > 6 and cur:
                if any(part.isalpha() for _, part in cur):
                    raise Unknown  # a word of any length ([a-z]+): its first token cannot be listed
                out |= cur  # more spaces or digits change no token we track
            return out
        raise Unknown

    try:
        rest = seq(_parser.parse(pattern, re.IGNORECASE), {((), "")})
    except Exception:
        return None
    for toks, cur in rest:
        toks = toks + ((cur,) if cur else ())
        if not toks:
            return None  # the rule can match nothing
        done_pairs.add((toks[0], toks[1] if len(toks) > 1 else ANY))
    return done_pairs


def literal_needs(pattern: str, flags: int = re.IGNORECASE) -> tuple | None:
    """What any match of ``pattern`` must contain, as lower-case ASCII strings, so that a
    text can be passed over with ``in`` before it is searched: a tuple of alternatives,
    each a tuple of sets, and a match holds, for one alternative, a string of each of its
    sets. None when a match may hold no such string. (Matched case-insensitively, a
    string is found in the lower-cased text only where that text is ASCII: "ſ" is an "s".)"""
    from re import _constants as c, _parser

    def runs(items) -> list[frozenset]:
        """The sets every match of the sequence ``items`` holds one string of."""
        sets, run = [], ""
        for op, av in items:
            if op is c.LITERAL and av < 128:
                run += chr(av).lower()
                continue
            if run:
                sets.append(frozenset([run]))
                run = ""
            if op in (c.SUBPATTERN, getattr(c, "ATOMIC_GROUP", None)):
                sets += runs(av[-1] if op is c.SUBPATTERN else av)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
                sets += runs(av[2])
            elif op is c.BRANCH:
                one_of = [_most_telling(runs(alt)) for alt in av[1]]
                if all(one_of):
                    sets.append(frozenset().union(*one_of))
        if run:
            sets.append(frozenset([run]))
        return sets

    def alternatives(items) -> list[list[frozenset]]:
        """A pattern that is one alternation (with \\b around it) keeps its alternatives apart."""
        core = [(op, av) for op, av in items if op is not c.AT]
        if len(core) == 1 and core[0][0] is c.SUBPATTERN:
            return alternatives(core[0][1][-1])
        if len(core) == 1 and core[0][0] is c.BRANCH:
            return [one for alt in core[0][1][1] for one in alternatives(alt)]
        return [runs(items)]

    try:
        found = alternatives(_parser.parse(pattern, flags))
    except Exception:
        return None
    if not all(found):
        return None
    # the longest strings first: the likeliest to be missing, so that a test fails fast
    return tuple(tuple(sorted(sets, key=lambda s: -min(map(len, s)))) for sets in found)


def _most_telling(sets: list[frozenset]) -> frozenset | None:
    """Of the sets a match must hold a string of, the one whose shortest string is longest."""
    return max(sets, key=lambda s: min(map(len, s)), default=None)
