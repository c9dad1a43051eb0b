"""Stage 4: dated sentences become event mentions.

For each sentence of the story: tag its dates, find what happened (a trigger
from ``data/events.yaml``), who (``timeline/actors.yaml`` and names the
sentence introduces) and where, and keep the sentence as the quote. A sentence
gives at most one mention: the (date, trigger) pair that belong together.
Background facts ("served as ambassador from 2006 to 2009"), dates inside
quoted speech and photo dates are left out; sentences that name a strong
happening without a date become *undated* mentions, which may only join an
event that another sentence dates.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .people import ArticlePeople
from .timeline import Registry, norm_name
from .titles import make_title
from .alternation import (Located, NameFinder, lowered, factored, first_bytes, letter_first, shadow, split_alternatives,
                          word_starts)
from .yamlio import word_list

DATA_PATH = Path(__file__).parent / "data" / "events.yaml"
UNDATED_WINDOW_DAYS = 31


@dataclass
class Mention:
    source: str
    quote: str
    kind: str
    date: str                   # ISO start at its precision ("" for undated)
    end: str | None = None
    precision: str = "day"      # day | week | month | year | none
    certainty: str = "explicit"  # explicit | anchored | inferred | undated
    window: tuple[str, str] | None = None  # for undated mentions: where the event may lie
    actors: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)  # the actors who are persons
    places: list[str] = field(default_factory=list)
    date_text: str = ""
    resolved: str = ""
    caption: bool = False
    planned: bool = False
    confidence: float = 0.5
    title: str = ""
    terms: frozenset = frozenset()
    order: int = 0
    proposals: dict = field(default_factory=dict)  # actor id -> entry the registry lacks
    agent: str = ""             # who spoke, for statements and reports
    anchor: str = ""            # the date relative expressions were resolved against
    actor_keys: frozenset | None = field(default=None, repr=False, compare=False)  # cache for merging

    @property
    def key(self) -> str:
        text = " ".join(self.quote.split()).lower()
        return f"{self.source}#{hashlib.sha1(f'{self.kind}|{text}'.encode()).hexdigest()[:10]}"


# --- knowledge ---------------------------------------------------------------

@dataclass
class Kind:
    name: str
    weight: int
    pattern: re.Pattern
    title: str
    title_one: str
    title_none: str
    object_nouns: tuple


@dataclass
class Knowledge:
    kinds: dict[str, Kind]
    background: re.Pattern
    planned: re.Pattern
    caption_actions: re.Pattern
    person_title: Located
    title_words: frozenset  # the words of person_titles ("Prime", "Minister")
    not_names: frozenset
    not_surnames: frozenset  # last words of capitalised names that are not surnames ("Oval Office")
    irrealis: re.Pattern  # for lower-cased text
    anaphora: re.Pattern
    people_anaphora: re.Pattern
    say_verbs: frozenset
    dateish: re.Pattern   # a lower-cased block without a match holds no calendar date
    dateish_words: re.Pattern | None  # where its words may begin, in a shadow (see _has_date)
    triggers: re.Pattern  # every kind's triggers in one pattern, one group per kind, for lower-cased text
    triggers_at: tuple  # for each byte of a shadow, ``triggers`` without those that cannot begin with it
    trigger_starts: re.Pattern  # in the shadow of the lower-cased text, where a trigger of either pattern may begin
    cased: re.Pattern     # the few triggers that look at capitals ("met" + a name), for the text as written
    raw: dict


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


@lru_cache(maxsize=4)
def knowledge(path: Path = DATA_PATH) -> Knowledge:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    kinds = {}
    for name, spec in data["kinds"].items():
        if not spec.get("triggers") or "weight" not in spec or "title" not in spec:
            raise ValueError(f"{path}: kind {name!r} needs triggers, weight and title")
        try:
            pattern = re.compile(r"(?<![\w-])(?:" + _alternation(spec["triggers"]) + r")(?![\w-])", re.I)
        except re.error as err:
            raise ValueError(f"{path}: kind {name!r}: bad trigger pattern: {err}") from None
        kinds[name] = Kind(name, int(spec["weight"]), pattern, spec["title"], spec.get("title_one", spec["title"]),
                           spec.get("title_none", name.capitalize()), tuple(spec.get("object_nouns", ())))
    titles = sorted(word_list(data, "person_titles", path), key=len, reverse=True)
    return Knowledge(
        kinds=kinds,
        background=re.compile(factored(_lower_case(data["background"], "background"))),
        planned=re.compile(r"\b(?:" + factored(_lower_case(data["planned"], "planned")) + r")\b"),
        caption_actions=re.compile(r"\b(?:" + _alternation(data["caption_actions"]) + r")", re.I),
        title_words=frozenset(w.rstrip(".").replace("\\", "") for t in titles for w in t.split()),
        person_title=Located(re.compile(r"(?:" + _alternation(titles) + r")\s+((?:[A-Z][\w'’.-]+\s?){1,3})"),
                             re.compile(r"(?:" + factored(titles) + r")\s+[A-Z][\w'’.-]")),
        not_names=frozenset(word_list(data, "not_names", path)),
        not_surnames=frozenset(word_list(data, "not_surnames", path)),
        irrealis=re.compile(r"(?:" + factored([letter_first(p) for p in _lower_case(data["irrealis"], "irrealis")])
                            + r")$"),
        anaphora=re.compile(data["anaphora"], re.I),
        people_anaphora=re.compile(_lower_case([data["people_anaphora"]], "people_anaphora")[0]),
        say_verbs=frozenset(word_list(data, "say_verbs", path)),
        dateish=re.compile(_lower_case([data["dateish"]], "dateish")[0]),
        dateish_words=_dateish_words(data["dateish"]),
        triggers=_combined(data, cased=False),
        triggers_at=_combined_by_first_byte(data),
        cased=_combined(data, cased=True),
        trigger_starts=word_starts(_lowercase_triggers(data) + [_lower_pattern(p) for p in _cased_heads(data)]),
        raw=data,
    )


def _dateish_words(pattern: str) -> re.Pattern | None:
    """For ``dateish`` written as events.yaml writes it, a digit or words after a word
    boundary ("\\d|\\b(?:jan|feb|...)"): where those words may begin in a shadow of the
    text (alternation.word_starts). None for a pattern written otherwise."""
    first, *words = split_alternatives(pattern)
    if first != r"\d" or not words or not all(w.startswith(r"\b") for w in words):
        return None
    return word_starts([w[2:] for w in words])


def _lower_case(patterns: list[str], where: str) -> list[str]:
    """``patterns`` that are matched against lower-cased text, checked to be written so."""
    for p in patterns:
        if re.search(r"[A-Z]", re.sub(r"\\.", "", p)):  # a capital outside an escape (\\W)
            raise ValueError(f"{DATA_PATH.name}: {where}: {p!r} is matched against lower-cased text: "
                             "write it in lower case")
    return patterns


def _lower_pattern(p: str) -> str:
    """A pattern's letters in lower case, its escapes (\\W, \\S, \\D) kept as written."""
    return re.sub(r"\\.|[A-Z]", lambda m: m.group(0) if m.group(0)[0] == "\\" else m.group(0).lower(), p)


def _cased_heads(data: dict) -> list[str]:
    """The words of the triggers that look at capitals, before the look-ahead."""
    return [p[:p.index("(?=")] for spec in data["kinds"].values() for p in spec["triggers"] if "[A-Z]" in p]


def _lowercase_triggers(data: dict) -> list[str]:
    return [p for spec in data["kinds"].values() for p in spec["triggers"] if "[A-Z]" not in p]


def _combined(data: dict, cased: bool, keep=None) -> re.Pattern:
    """One pattern for all kinds. Matching lower-cased text without re.I is three
    times faster; triggers with a capital letter in them ("(?= [A-Z])") go in the
    cased pattern, their words made case-insensitive. ``keep``: which triggers to
    take (all when None)."""
    groups = []
    for name, spec in data["kinds"].items():
        chosen = []
        for p in spec["triggers"]:
            if ("[A-Z]" in p) != cased or keep is not None and not keep(p):
                continue
            if cased:
                head, look = p[:p.index("(?=")], p[p.index("(?="):]
                if not look.endswith(")"):
                    raise ValueError(f"trigger {p!r}: a capital-letter look-ahead must end the pattern")
                p = f"(?i:{head}){look}"
            chosen.append(p)
        if chosen:
            groups.append(f"(?P<{name}>{_alternation(chosen)})")
    if not groups:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<![\w-])(?:" + "|".join(groups) + r")(?![\w-])")


def _combined_by_first_byte(data: dict) -> tuple[re.Pattern, ...]:
    """For each byte ``b``, the lower-case ``_combined`` pattern without the triggers
    that cannot begin with a character whose shadow is ``b`` (alternation.first_bytes).
    The engine tries the alternatives of ``_combined`` one by one, about a hundred,
    at every place; those left out here would fail at once there, and the rest keep
    their order and their kind's group, so the match is the same."""
    starts = {p: first_bytes(p) for p in _lowercase_triggers(data)}
    compiled: dict[frozenset, re.Pattern] = {}
    out = []
    for byte in range(256):
        chosen = frozenset(p for p, first in starts.items() if first is None or byte in first)
        if chosen not in compiled:
            compiled[chosen] = _combined(data, cased=False, keep=chosen.__contains__)
        out.append(compiled[chosen])
    return tuple(out)


# --- sentences -----------------------------------------------------------------

_SENTENCE_END = re.compile(r"""[.!?]["”’)]*\s+(?=["“‘(]?[A-Z0-9])""")
_ABBREVIATIONS = frozenset("""mr mrs ms dr st gen sen rep gov col lt sgt jr sr no vs u.s u.k u.n e.u jan feb mar apr
aug sep sept oct nov dec inc corp co ltd""".split())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, surrounding spaces excluded."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[m.start()] == ".":
            word = text[max(start, text.rfind(" ", 0, m.start()) + 1):m.start()].lower().lstrip("(\"“")
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        out.append((start, m.end()))
        start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    spans = []
    for a, b in out:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def _quoted_spans(sentence: str) -> list[tuple[int, int]]:
    if '"' not in sentence and "“" not in sentence:
        return []
    return [m.span() for m in _QUOTED.finditer(sentence)]


# --- actors and places ---------------------------------------------------------

@dataclass
class Gazetteer:
    """Finds registry names in text with one compiled pattern."""

    registry: Registry
    pattern: NameFinder | None
    ids: dict = field(default_factory=dict)  # each name as written -> registry id

    @classmethod
    def build(cls, registry: Registry) -> "Gazetteer":
        names = {}
        for ident, entry in registry.entries.items():
            for name in [entry.get("name", "")] + list(entry.get("aliases") or []):
                if name and len(name) > 1:
                    names[name] = ident
        if not names:
            return cls(registry, None)
        return cls(registry, NameFinder(names), names)

    def find(self, text: str) -> list[tuple[int, str]]:
        """(position, registry id) of each name found, in order."""
        if self.pattern is None:
            return []
        out = []
        for m in self.pattern.finditer(text):
            ident = self.ids.get(m.group(0)) or self.registry.resolve(m.group(0))
            if ident:
                out.append((m.start(), ident))
        return out


# --- dates -------------------------------------------------------------------

def iso_span(value: str, end_value: str | None = None) -> tuple[str, str | None, str] | None:
    """(start, end, precision) for a TIMEX3 DATE value, or None when it is not a
    calendar date (PRESENT_REF, XXXX-...)."""
    if not value or "X" in value or value.endswith("_REF"):
        return None
    value = value.split("T")[0]
    m = re.fullmatch(r"(\d{4})-W(\d{2})", value)
    if m:
        try:
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return None
        return monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat(), "week"
    m = re.fullmatch(r"(\d{4})-Q([1-4])", value)
    if m:
        q = int(m[2])
        return f"{m[1]}-{3 * q - 2:02d}", f"{m[1]}-{3 * q:02d}", "month"
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m:
        return None
    precision = "day" if m[3] else "month" if m[2] else "year"
    end = None
    if end_value:
        span = iso_span(end_value)
        if span and span[0] > value:
            end = span[1] or span[0]
    return value, end, precision


# --- detection ---------------------------------------------------------------

_WORD = re.compile(r"[a-z][a-z'-]{3,}")
_STOPWORDS = frozenset("""that this with from have been were their there which would about after before
while where said says told also into than them they will over more most some such only other what when
who whom whose being said reported according""".split())


def content_terms(text: str) -> frozenset:
    return frozenset(_WORD.findall(text.lower())) - _STOPWORDS


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return bool(spans) and any(a <= pos < b for a, b in spans)


@dataclass
class Context:
    """What the detector knows of one article."""

    source: str
    anchor: dt.date | None
    anchor_how: str              # stated | detected | inferred | none
    actors: Gazetteer
    places: Gazetteer
    kb: Knowledge


def detect(blocks, ctx: Context, tag) -> list[Mention]:
    """Event mentions of one story. ``blocks`` have .text and .kind; ``tag`` is the
    temporal tagger: tag(text, anchor) -> timexes. Dates, triggers and names are
    found once per block, then read sentence by sentence."""
    mentions: list[Mention] = []
    people = ArticlePeople([b.text for b in blocks if b.kind != "aside"], ctx.kb, ctx.actors.registry)
    previous: list[str] = []      # the people of the last sentence that named any
    pending: Mention | None = None  # an undated sentence a later "the call" may date
    order = 0
    for block in blocks:
        if block.kind in ("headline", "aside"):
            continue
        caption = block.kind == "caption"
        text = block.text
        spans = sentence_spans(text)
        low = lowered(text)
        shade = shadow(low)
        triggers = _triggers(text, low, ctx.kb, _quoted_spans(text), shade)
        if not triggers:  # no happening named: only the people named last matter, for later sentences
            named = sorted((pos, i) for pos, i in ctx.actors.find(text) + people.find(text)
                           if _is_person(ctx.actors.registry, i))
            if named:
                start = max(a for a, _ in spans if a <= named[-1][0])
                previous = [i for pos, i in named if pos >= start]
            order += len(spans)
            pending = None
            continue
        try:
            timexes = tag(text, ctx.anchor) if _has_date(low, shade, ctx.kb) else []
        except Exception:  # the tagger promises not to raise; a block is not worth a crash
            timexes = []
        actor_hits = ctx.actors.find(text) + people.find(text)
        place_hits = ctx.places.find(text)
        for a, b in spans:
            order += 1
            sentence = text[a:b]
            actors_here = [(pos - a, i) for pos, i in actor_hits if a <= pos < b]
            found = None
            if any(a <= s < b for s, _, _ in triggers):
                here = Found(
                    triggers=[(s - a, e - a, k) for s, e, k in triggers if a <= s < b],
                    timexes=[t.moved(-a) for t in timexes if a <= t.start and t.end <= b],
                    actors=actors_here,
                    places=[(pos - a, i) for pos, i in place_hits if a <= pos < b],
                    low=low[a:b],
                )
                found = _mention(sentence, caption, ctx, here, previous, order)
            people_here = [i for _, i in actors_here if _is_person(ctx.actors.registry, i)]
            if found and found.certainty != "undated" and pending and not caption \
                    and pending.order == order - 1 and ctx.kb.anaphora.search(sentence) \
                    and ctx.kb.anaphora.search(sentence).group(0).split()[-1] in pending.quote.lower():
                found = _continue(pending, found, ctx)
                if mentions and mentions[-1] is pending:
                    mentions.pop()
            if people_here:
                previous = people_here
            pending = found if found and found.certainty == "undated" else None
            if found:
                mentions.append(found)
    _consistent_weekdays(mentions)
    return mentions


@dataclass
class Found:
    """What the block-wide searches found inside one sentence (offsets in the sentence)."""

    triggers: list
    timexes: list
    actors: list
    places: list
    low: str  # the sentence, lower-cased (the knowledge's cue patterns are matched in lower case)


def _continue(before: Mention, dated: Mention, ctx: Context) -> Mention:
    """A dated sentence about "the call" reported undated just before: one mention."""
    dated.kind = before.kind
    dated.quote = f"{before.quote} {dated.quote}"
    dated.actors = _ordered(before.actors + dated.actors)
    dated.people = _ordered(before.people + dated.people)
    dated.places = _ordered(before.places + dated.places)
    dated.terms = before.terms | dated.terms
    dated.title = before.title
    dated.proposals = {**before.proposals, **dated.proposals}
    return dated


_WEEKDAY_NAME = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)


def _consistent_weekdays(mentions: list[Mention]) -> None:
    """Within one article a weekday names one day: a "Monday's planned call" read
    as next Monday becomes the Monday the article dates elsewhere."""
    past = {}
    for m in mentions:
        w = _WEEKDAY_NAME.search(m.date_text or "")
        if w and m.precision == "day" and not m.planned:
            past.setdefault(w.group(1).lower(), m.date)
    for m in mentions:
        w = _WEEKDAY_NAME.search(m.date_text or "")
        if w and m.planned and w.group(1).lower() in past and past[w.group(1).lower()] < m.date:
            m.date = past[w.group(1).lower()]
            m.resolved += "; the day the article names by this weekday elsewhere"


def _name(registry: Registry, ident: str) -> str:
    """The name of a registry id; a proposed person's id is its name already."""
    entry = registry.entries.get(ident)
    return entry.get("name", ident) if entry else ident


def _is_person(registry: Registry, ident: str) -> bool:
    entry = registry.entries.get(ident)
    return entry is None or entry.get("kind", "person") == "person"


# A named subject of its own ("The Senate passed ..."): a capitalised word, the capital
# first (not "\b") so that the engine can skip to the capitals.
_CAPITAL = re.compile(r"[A-Z](?<!\w.)[a-z]+\b")
_DAYISH = re.compile(r"\d{4}|\b(?:yesterday|today|tonight|tomorrow|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|"
                     r"jun|jul|aug|sep|oct|nov|dec)", re.I)
_FINER = {"day": 1.5, "week": 0.5, "month": 0.0, "year": -1.0}  # a finer date is the likelier one
# A clause ends at a punctuation mark or a conjunction: "[,;:—–]|\b(?:and|but|...)\b", written
# with a character first in every alternative ("a(?<!\w.)nd\b", the "a" at a word start) so
# that the engine skips to the characters that can begin one instead of trying every place.
_CLAUSE_BREAK = re.compile("|".join([*",;:—–"] + [w[0] + r"(?<!\w.)" + w[1:] + r"\b" for w in (
    "and", "but", "that", "where", "which", "who", "while", "after", "before")]))


def _has_date(low: str, shade: bytes, kb: Knowledge) -> bool:
    """Whether ``kb.dateish`` matches ``low``, read from its shadow (alternation.shadow):
    any digit reads "0" there, and a word that may begin a match is looked for after
    a space (a hyphen is one too for "\\b") with one bytes search, then checked."""
    if kb.dateish_words is None:
        return kb.dateish.search(low) is not None
    if b"0" in shade:
        return True
    search, match, pos = kb.dateish_words.search, kb.dateish.match, 0
    shade = shade.replace(b"-", b" ")
    while (m := search(shade, pos)) is not None:
        if match(low, m.start()):
            return True
        pos = m.start() + 1
    return False


def _trigger_matches(text: str, low: str, kb: Knowledge, shade: bytes | None = None) -> list[re.Match]:
    """The matches of ``kb.triggers.finditer(low)`` and of ``kb.cased.finditer(text)``.
    Python's ``re`` tries every alternative at every place; instead one scan of the
    shadow of ``low`` (alternation.shadow) with ``kb.trigger_starts`` finds the word
    starts where either may match, and each pattern is tried there only (the lower-case
    one without the triggers that cannot begin there), keeping its own matches from
    overlapping."""
    out = []
    lower_from = cased_from = 0  # where each pattern's next match may start
    lower, cased, search, pos = kb.triggers_at, kb.cased.match, kb.trigger_starts.search, 0
    if shade is None:
        shade = shadow(low)  # a match at i in the shadow is the character before position i of ``low``
    while (m := search(shade, pos)) is not None:
        pos = m.start()
        # the triggers that may begin with the character at ``pos``, whose shadow is shade[pos + 1]
        if pos >= lower_from and (hit := lower[shade[pos + 1]].match(low, pos)) is not None:
            out.append(hit)
            lower_from = hit.end()
        if pos >= cased_from and (hit := cased(text, pos)) is not None:
            out.append(hit)
            cased_from = hit.end()
        pos += 1
    return out


def _triggers(text: str, low: str, kb: Knowledge, quoted, shade: bytes | None = None) -> list[tuple[int, int, Kind]]:
    found = []
    for m in _trigger_matches(text, low, kb, shade):
        if _inside(m.start(), quoted) or kb.irrealis.search(low[max(0, m.start() - 40):m.start()]):
            continue
        found.append((m.start(), m.end(), kb.kinds[m.lastgroup]))
    return sorted(found, key=lambda t: (t[0], t[1]))


def _mention(sentence: str, caption: bool, ctx: Context, here: Found, previous_people, order) -> Mention | None:
    kb = ctx.kb
    quoted = _quoted_spans(sentence)
    triggers = here.triggers
    dated = []
    for t in here.timexes:
        if t.type not in ("DATE", "TIME") or _inside(t.start, quoted):
            continue
        if t.type == "TIME" and t.relative and not _DAYISH.search(t.text):
            continue  # "at 12:49 local time": the hour of a day named elsewhere, not the publication day
        span = iso_span(t.value, t.end_value)
        if span is None:
            continue
        if kb.background.search(here.low[max(0, t.start - 60):t.end]):
            continue
        dated.append((t, span))

    registry = ctx.actors.registry
    proposals = [(pos, i) for pos, i in here.actors if i not in registry.entries]
    hits = sorted(here.actors)
    actors = _ordered([_name(registry, i) for _, i in hits])
    people = _ordered([_name(registry, i) for _, i in hits if _is_person(registry, i)])
    own_subject = any(w not in kb.not_names for w in _CAPITAL.findall(sentence[:triggers[0][0]]))
    if not people and previous_people and ((not actors and not own_subject) or kb.people_anaphora.search(here.low)):
        # "The last conversation ...", "both leaders": the people just named
        people = _ordered([_name(registry, i) for i in previous_people])
        actors = _ordered(people + actors)
    places = _ordered([_name(ctx.places.registry, i) for _, i in here.places])
    new_people = {_slug(n): {"name": n, "kind": "person"} for _, n in proposals}

    action = kb.caption_actions.search(sentence) if caption else None
    if action:  # the photo shows this happening: its trigger names the kind
        near = [t for t in triggers if t[0] < action.end() + 3 and t[1] > action.start() - 3]
        triggers = near or triggers
    if caption and not action:
        # A photo date: the caption shows no happening, but may still refer to one.
        if dated:
            t, span = dated[-1]
            if span[2] == "day":
                return _undated(sentence, triggers, ctx, actors, people, places, order, new_people,
                                anchor=dt.date.fromisoformat(span[0]))
        return None
    if not dated:
        strong = [tr for tr in triggers if tr[2].weight >= 7]
        if strong and people and not kb.planned.search(here.low):
            return _undated(sentence, strong, ctx, actors, people, places, order, new_people)
        return None

    # The (date, trigger) pair that belong together: in one clause, close, specific.
    best = None
    for t, span in dated:
        for start, end, kind in triggers:
            lo, hi = (end, t.start) if end <= t.start else (t.end, start) if start >= t.end else (0, 0)
            between = sentence[lo:hi]
            words = len(between.split())
            crossings = len(_CLAUSE_BREAK.findall(between))
            after = start >= t.end and words > 1 and t.start > 0
            score = kind.weight / 3 - 1.5 * crossings - 0.25 * words - (0.5 if after else 0) \
                + _FINER.get(span[2], 0)
            if t.future:
                score -= 0.5
            if best is None or score > best[0]:
                best = (score, t, span, kind, start, end)
    _, timex, (start_date, end_date, precision), kind, trig_start, trig_end = best
    if kind.weight > 3:  # outlets report happenings; they take part only in reports and statements
        media = {registry.name(i) for _, i in hits if registry.entries.get(i, {}).get("kind") == "media"}
        actors = [a for a in actors if a not in media]

    planned = bool(timex.future or kb.planned.search(here.low[max(0, trig_start - 40):trig_end + 40]))
    if timex.relative:
        if ctx.anchor_how in ("stated", "detected"):
            certainty, how = "anchored", f"relative to the publication date {ctx.anchor} ({ctx.anchor_how})"
        else:
            certainty, how = "inferred", f"relative to {ctx.anchor}, a publication date inferred from the text"
    elif re.search(r"\d{4}", timex.text):
        certainty, how = "explicit", "written in full"
    else:
        certainty = "inferred" if ctx.anchor_how == "inferred" else "explicit"
        how = f"year from the publication date {ctx.anchor}"
    if precision == "week":
        how += "; a week"
    confidence = {"explicit": 0.9, "anchored": 0.8, "inferred": 0.55}[certainty]
    confidence *= 0.75 if caption else 1.0
    confidence *= 0.85 if kind.weight <= 3 else 1.0
    mention = Mention(
        source=ctx.source, quote=sentence, kind=kind.name, date=start_date, end=end_date, precision=precision,
        certainty=certainty, actors=actors, people=people, places=places, date_text=timex.text, resolved=how,
        caption=caption, planned=planned, confidence=round(confidence, 2), terms=content_terms(sentence),
        order=order, proposals=new_people, anchor=ctx.anchor.isoformat() if ctx.anchor else "",
    )
    mention.title = make_title(mention, kind, sentence, trig_start, trig_end, ctx, skip=(timex.start, timex.end))
    return mention


def _undated(sentence, triggers, ctx: Context, actors, people, places, order, proposals, anchor=None) -> Mention | None:
    anchor = anchor or ctx.anchor
    if anchor is None:
        return None
    start, end, kind = max(triggers, key=lambda tr: (tr[2].weight, -tr[0]))
    window = ((anchor - dt.timedelta(days=UNDATED_WINDOW_DAYS)).isoformat(), anchor.isoformat())
    mention = Mention(
        source=ctx.source, quote=sentence, kind=kind.name, date="", precision="none", certainty="undated",
        window=window, actors=actors, people=people, places=places, resolved=f"no date; before {anchor}",
        confidence=0.4, terms=content_terms(sentence), order=order, proposals=proposals,
    )
    mention.title = make_title(mention, kind, sentence, start, end, ctx)
    return mention


def _ordered(items):
    seen, out = set(), []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", norm_name(name)).strip("-")
