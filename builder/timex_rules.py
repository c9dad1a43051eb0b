"""The tagger's knowledge, loaded: builder/data/timex.yaml validated and compiled.

`load_rules()` reads the YAML once, checks it (collecting every problem), expands
the {PLACEHOLDERS} of each rule pattern from the vocabulary and compiles each rule,
the blocked patterns and the tense cues. It also works out which words can begin
each rule (the dispatch table) and which words can carry a time expression (heads),
so that the tagger tries few rules at few places.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .alternation import trie_pattern
from .timex_index import ANY, DIGIT, first_two_tokens, literal_needs, literal_words, vocab_words

DATA_PATH = Path(__file__).parent / "data" / "timex.yaml"

TYPES = ("DATE", "TIME", "DURATION", "SET")
# Characters that may not touch a time expression on its left (nor the inside of a number:
# "2.5 May" holds no "5 May") or right.
LEFT_GUARD = r"(?<![\w$£€#@/])(?<!\d[.,:])"
RIGHT_GUARD = r"(?![\w@])"


class TimexDataError(ValueError):
    """builder/data/timex.yaml is malformed; the message lists every problem."""


@dataclass(frozen=True)
class Rule:
    name: str
    type: str
    resolve: str
    pattern: str               # the expanded pattern, guards included
    regex: re.Pattern          # compiled on its own, for retries
    anaphoric: bool = False    # needs earlier dates of the text (a "reference day")
    blocked: re.Pattern | None = None  # false friends that veto this rule's matches
    blocked_needs: tuple | None = None  # what a false friend must contain (see timex_index.literal_needs)
    left: re.Pattern | None = None   # must match the text just before the expression
    right: re.Pattern | None = None  # must match the text just after it
    examples: tuple = ()


@dataclass
class Knowledge:
    vocab: dict
    rules: list
    dispatch2: dict            # (first, second) token -> indices of the rules that may start with them
    always: tuple              # indices of rules whose first tokens are unknown (tried everywhere)
    heads: frozenset           # content words that can carry an expression (not function words)
    head_bytes: frozenset      # the same, as bytes
    rev_first_words: frozenset  # first words of rules, spelt backwards (the tagger reads back from a head)
    first_bytes: frozenset     # the same a-z words as bytes, spelt forwards
    cues: re.Pattern           # tense cue words, for lower-cased text
    cue_words: frozenset       # the first words (bytes, a-z) of the cue words: where a cue may begin
    cue_marks: str             # the first characters of the cues that begin with no letter ("'ll")
    negatives: list = field(default_factory=list)
    blocked_examples: list = field(default_factory=list)
    months: dict = field(default_factory=dict)        # lower-case name/abbreviation -> 1..12
    weekdays: dict = field(default_factory=dict)      # lower-case name/abbreviation -> 1..7 (ISO)
    number_words: dict = field(default_factory=dict)  # lower-case word -> number
    unit_codes: dict = field(default_factory=dict)    # lower-case unit form -> code
    mods: dict = field(default_factory=dict)          # normalised modifier -> TIMEX3 mod
    duration_mods: dict = field(default_factory=dict)
    shifts: dict = field(default_factory=dict)
    fixed: dict = field(default_factory=dict)         # refs and frequencies: phrase -> value
    holidays: dict = field(default_factory=dict)      # lower-case name -> its rule ("12-25", "easter-2", ...)
    year_blocked_after: re.Pattern | None = None
    year_blocked_before: re.Pattern | None = None
    month_cue: re.Pattern | None = None


def norm(phrase: str) -> str:
    """Lower case, single spaces, curly apostrophes made straight: the key of every table."""
    return " ".join(phrase.replace("’", "'").lower().split())


def _alt(words, proper: bool = False) -> str:
    """A regex alternation of ``words``, longest first; spaces match any whitespace.

    ``proper`` names (months, weekdays) match only Capitalised or UPPER case."""
    forms = []
    for w in sorted(set(map(str, words)), key=lambda s: (-len(s), s)):
        if proper:
            forms.extend(dict.fromkeys([w[:1].upper() + w[1:], w.upper()]))
        else:
            forms.append(w)
    body = "|".join(re.escape(f).replace(r"\ ", r"\s+").replace("'", "['’]") for f in forms)
    # Atomic: once a (longest-first) word matched, never backtrack into shorter ones; keeps failures cheap.
    return f"(?>(?-i:{body}))" if proper else f"(?>{body})"


def _cue_char(ch: str) -> str:
    """One character of a cue word as a pattern: spaces match any whitespace, apostrophes either kind."""
    return r"\s+" if ch == " " else "['’]" if ch in "'’" else re.escape(ch)


def _cue_beginnings(cues) -> tuple[frozenset, str]:
    """The leading a-z letters of each cue word ("is due" -> b"is"), and the first characters
    of those that begin with anything else (an apostrophe stands for both kinds)."""
    words, marks = set(), set()
    for cue in cues:
        head = re.match(r"[a-z]*", cue).group()
        if head:
            words.add(head.encode())
        elif cue:
            marks.update("'’" if cue[0] in "'’" else cue[0])
    return frozenset(words), "".join(sorted(marks))


def _placeholders(v: dict) -> dict[str, str]:
    words = v["number_words"]
    units = [f for u in v["units"].values() for f in u["forms"]]
    singular = [u["forms"][0] for u in v["units"].values()]
    tens = [w for w, n in words.items() if n in (20, 30, 40, 50, 60, 70, 80, 90)]
    ones = [w for w, n in words.items() if isinstance(n, int) and 1 <= n <= 9 and w.isalpha() and len(w) > 2]
    compound = f"{_alt(tens)}[-\\s]{_alt(ones)}"
    number = rf"(?>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?![\d,.]\d)|{compound}|{_alt(words)})(?![a-z])"
    month_all = list(v["months"]) + list(v["month_abbreviations"])
    weekday = _alt(v["weekdays"], proper=True)
    return {
        "MONTH_FULL": _alt(v["months"], proper=True),
        "MONTH": rf"(?>{_alt(v['months'], proper=True)}|{_alt(v['month_abbreviations'], proper=True)}\.?)"
        if month_all else "(?!)",
        "WEEKDAY": weekday,
        "WEEKDAY_PREFIX": rf"(?:{weekday}|{_alt(v['weekday_abbreviations'], proper=True)}\.?),?\s+",
        "DAY": r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)",
        "YEAR": r"(?<![\d,.])(?:1\d|20)\d\d(?!\d|[,.]\d)",
        "NUM": number,
        "VAGUE": _alt(v["vague_numbers"]),
        "UNIT": _alt(units),
        "UNIT_SINGULAR": _alt(singular),
        "UNIT_ADJ": _alt(v["unit_adjectives"]),
        "SEASON": _alt(v["seasons"]),
        "PART": _alt(v["parts_of_day"]),
        "ORD": _alt(v["ordinals"]),
        "MOD": _alt(v["mods"]),
        "DMOD": _alt(v["duration_mods"]),
        "SHIFT": _alt(v["shifts"]),
        "RELDAY": _alt(v["relative_days"]),
        "REF": _alt(v["refs"]),
        "FREQ": _alt(v["frequencies"]),
        "HOLIDAY": _alt(v["holidays"], proper=True),
        "TZ": _alt(v["time_zones"]),
    }


_REQUIRED_VOCAB = {
    "months": dict, "month_abbreviations": dict, "month_needs_cue": list, "month_cues": list,
    "weekdays": dict, "weekday_abbreviations": dict, "seasons": dict, "season_needs_cue": list,
    "parts_of_day": dict, "number_words": dict, "vague_numbers": list, "ordinals": dict, "units": dict,
    "unit_adjectives": list, "duration_mods": dict, "mods": dict, "relative_days": dict, "shifts": dict,
    "refs": dict, "frequencies": dict, "holidays": dict, "time_zones": list, "utc_zones": list,
    "future_cues": list, "function_words": list, "past_cues": list, "year_blocked_after": list, "year_blocked_before": list,
}


def one_line(pattern: str) -> str:
    """``pattern`` with every \\s made unable to cross a line break (a headline is not a date's neighbour)."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            pair = pattern[i:i + 2]
            if pair == r"\s":
                out.append(" \\t\\u00a0" if in_class else r"[^\S\n]")
            else:
                out.append(pair)
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def _validate(data) -> list[str]:
    problems = []
    if not isinstance(data, dict):
        return ["the file must be a mapping with vocab, rules, blocked, negatives"]
    vocab = data.get("vocab")
    if not isinstance(vocab, dict):
        return ["vocab: missing or not a mapping"]
    for key, kind in _REQUIRED_VOCAB.items():
        if not isinstance(vocab.get(key), kind):
            problems.append(f"vocab.{key}: missing or not a {kind.__name__}")
    if problems:
        return problems
    for key, kind in _REQUIRED_VOCAB.items():
        items = vocab[key] if kind is list else list(vocab[key])
        bad = [x for x in items if not isinstance(x, str)]
        if bad:  # YAML reads a bare no/on/yes as a boolean: quote such words
            problems.append(f"vocab.{key}: {bad!r} must be quoted strings")
    if problems:
        return problems
    for table, top in (("months", 12), ("month_abbreviations", 12), ("weekdays", 7), ("weekday_abbreviations", 7)):
        for name, n in vocab[table].items():
            if not isinstance(n, int) or not 1 <= n <= top:
                problems.append(f"vocab.{table}.{name}: {n!r} is not in 1..{top}")
    for name, unit in vocab["units"].items():
        if not isinstance(unit, dict) or not isinstance(unit.get("code"), str) or not unit.get("forms"):
            problems.append(f"vocab.units.{name}: needs a code and forms")
    for name, md in vocab["holidays"].items():
        if not re.fullmatch(r"(\d{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])|easter[+-]\d+|"
                            r"(0[1-9]|1[0-2])/([1-5]|last)(mon|tue|wed|thu|fri|sat|sun)", str(md)):
            problems.append(f"vocab.holidays.{name}: {md!r} is not MM-DD, YYYY-MM-DD, easter+N or MM/Nddd")
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        return problems + ["rules: missing or empty"]
    seen = set()
    for i, rule in enumerate(rules):
        where = f"rules[{i}]"
        if not isinstance(rule, dict):
            problems.append(f"{where}: not a mapping")
            continue
        name = rule.get("name")
        where = f"rules[{i}] ({name})"
        if not name or name in seen:
            problems.append(f"{where}: missing or repeated name")
        seen.add(name)
        if rule.get("type") not in TYPES:
            problems.append(f"{where}: type must be one of {', '.join(TYPES)}")
        if not isinstance(rule.get("pattern"), str):
            problems.append(f"{where}: pattern missing")
        if not isinstance(rule.get("resolve"), str):
            problems.append(f"{where}: resolve missing")
        examples = rule.get("examples")
        if not isinstance(examples, list) or not examples:
            problems.append(f"{where}: every rule needs examples")
            continue
        for j, ex in enumerate(examples):
            if not isinstance(ex, dict) or not {"text", "timex", "value"} <= set(ex) or "anchor" not in ex:
                problems.append(f"{where}.examples[{j}]: needs text, anchor, timex, value")
            elif str(ex["timex"]) not in str(ex["text"]):
                problems.append(f"{where}.examples[{j}]: timex {ex['timex']!r} is not in the text")
    names = {r.get("name") for r in rules if isinstance(r, dict)}
    for i, b in enumerate(data.get("blocked") or []):
        if not isinstance(b, dict) or not isinstance(b.get("pattern"), str) or not b.get("examples"):
            problems.append(f"blocked[{i}]: needs a pattern and examples")
        elif set(b.get("rules") or []) - names:
            problems.append(f"blocked[{i}]: unknown rules {sorted(set(b['rules']) - names)}")
    return problems


def _compile(pattern: str, where: str, problems: list, flags=re.IGNORECASE) -> re.Pattern | None:
    try:
        return re.compile(pattern, flags)
    except re.error as err:
        problems.append(f"{where}: bad regex ({err})")
        return None


def build(data: dict, resolvers: set[str] | None = None) -> Knowledge:
    """Validate ``data`` (the parsed YAML) and compile it; raise TimexDataError listing all problems."""
    problems = _validate(data)
    if problems:
        raise TimexDataError("; ".join(problems))
    v = data["vocab"]
    ph = _placeholders(v)
    rules = []
    words = vocab_words(v)
    pattern_words: set[str] = set()
    for i, r in enumerate(data["rules"]):
        where = f"rules[{i}] ({r['name']})"
        if resolvers is not None and r["resolve"] not in resolvers:
            problems.append(f"{where}: unknown resolver {r['resolve']!r}")
        try:
            body = re.sub(r"\{([A-Z_]+)\}", lambda m: ph[m.group(1)], r["pattern"])
        except KeyError as err:
            problems.append(f"{where}: unknown placeholder {err}")
            continue
        pattern = one_line(f"{LEFT_GUARD}(?:{body}){RIGHT_GUARD}")
        regex = _compile(pattern, where, problems)
        left = _compile(r["left"], f"{where}.left", problems) if r.get("left") else None
        right = _compile(r["right"], f"{where}.right", problems) if r.get("right") else None
        if regex is None:
            continue
        pattern_words |= literal_words(r["pattern"])
        rules.append(Rule(name=r["name"], type=r["type"], resolve=r["resolve"], pattern=pattern, regex=regex,
                          anaphoric=bool(r.get("anaphoric")), left=left, right=right,
                          examples=tuple(r["examples"])))
    blocked = data.get("blocked") or []
    for n, rule in enumerate(rules):
        src = [b["pattern"] for b in blocked if not b.get("rules") or rule.name in b["rules"]]
        if src:
            pattern = "|".join(f"(?:{p})" for p in src)
            rules[n] = dataclasses.replace(rule, blocked=_compile(pattern, "blocked", problems),
                                           blocked_needs=literal_needs(pattern))
    # any -ed word counts as past, except a passive after "be" ("will be completed")
    # matched against lower-cased text, without IGNORECASE (three times faster)
    # (builder/timex.py finds where these may begin rather than searching: see _cue_places)
    future, past = (trie_pattern({w.lower() for w in v[key]}, _cue_char) for key in ("future_cues", "past_cues"))
    cues = _compile(rf"\b(?:(?P<future>{future})|(?P<past>{past}|(?<!\bbe\s)\w{{3,}}ed))\b", "cues", problems,
                    flags=0)
    cue_words, cue_marks = _cue_beginnings(w.lower() for key in ("future_cues", "past_cues") for w in v[key])
    after = _compile(rf"^\s*(?:{_alt(v['year_blocked_after'])})", "year_blocked_after", problems)
    before = _compile(rf"(?:^|[\s(])(?:{_alt(v['year_blocked_before'])})\s*$", "year_blocked_before", problems)
    month_cue = _compile(rf"\b(?:{_alt(v['month_cues'])})\s+$", "month_cues", problems)
    if problems:
        raise TimexDataError("; ".join(problems))
    # Modifiers (numbers, ordinals, "trading", time zones) never carry an expression alone: a
    # unit, month or number always comes with them, so they are no heads either.
    modifiers = vocab_words({key: v[key] for key in ("number_words", "vague_numbers", "ordinals", "unit_adjectives",
                                                     "duration_mods", "time_zones")})
    content = {w for w in (words - modifiers) | pattern_words if w.isalpha()} - {norm(w) for w in v["function_words"]}
    dispatch2, always = _dispatch(rules)
    k = Knowledge(vocab=v, rules=rules, dispatch2=dispatch2, always=always,
                  heads=frozenset(content | {w + "s" for w in content}),  # "on Sundays"
                  head_bytes=frozenset(w.encode() for w in content | {w + "s" for w in content} if w.isascii()),
                  rev_first_words=frozenset(t1[::-1] for t1, _ in dispatch2 if t1.isalpha()), cues=cues,
                  first_bytes=frozenset(t1.encode() for t1, _ in dispatch2 if t1.isalpha() and t1.isascii()),
                  cue_words=cue_words, cue_marks=cue_marks,
                  negatives=list(data.get("negatives") or []),
                  blocked_examples=[(b["pattern"], b["examples"]) for b in blocked],
                  year_blocked_after=after, year_blocked_before=before, month_cue=month_cue)
    k.months = {norm(n): m for n, m in {**v["months"], **v["month_abbreviations"]}.items()}
    k.weekdays = {norm(n): d for n, d in {**v["weekdays"], **v["weekday_abbreviations"]}.items()}
    k.number_words = {norm(w): n for w, n in v["number_words"].items()}
    k.unit_codes = {norm(f): u["code"] for u in v["units"].values() for f in u["forms"]}
    k.mods = {norm(w): m for w, m in v["mods"].items()}
    k.duration_mods = {norm(w): m for w, m in v["duration_mods"].items()}
    k.shifts = {norm(w): n for w, n in v["shifts"].items()}
    k.fixed = {norm(w): val for w, val in {**v["refs"], **v["frequencies"]}.items()}
    k.holidays = {norm(n): str(md) for n, md in v["holidays"].items()}
    return k


def _dispatch(rules: list[Rule]) -> tuple[dict, tuple]:
    """(first token, second token) -> the rules, in file order, that may begin with them; and the
    rules whose beginning could not be worked out (tried everywhere)."""
    pairs: dict[tuple[str, str], set[int]] = {}
    always: list[int] = []
    for i, rule in enumerate(rules):
        two = first_two_tokens(rule.pattern)
        if two is None:
            always.append(i)
        for t in two or ():
            pairs.setdefault(t, set()).add(i)
    # The tagger reads "3.5" and "1,000" as one number, so a rule never sees a number then "." or ",".
    pairs = {p: ix for p, ix in pairs.items() if p not in ((DIGIT, "."), (DIGIT, ","))}
    dispatch = {(t1, t2): tuple(sorted(ix | pairs.get((t1, ANY), set()) | set(always))) for (t1, t2), ix in pairs.items()}
    return dispatch, tuple(always)


@lru_cache(maxsize=None)
def load_rules(path: Path = DATA_PATH) -> Knowledge:
    """The compiled knowledge of ``path`` (cached: read once per process)."""
    from .timex_resolve import RESOLVERS

    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return build(data, set(RESOLVERS))
