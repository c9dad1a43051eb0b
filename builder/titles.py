"""Titles of events, written from their sentence: "Costa and Vos hold phone
call", "Senate passes bill", "Foreign ministry: the position ... is consistent".

A kind's template (``data/events.yaml``) names the participants when the
registry knows them; otherwise the title takes the sentence's own subject, the
verb in the present tense and the words that follow, within their clause.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from . import events as _events
from .timeline import Registry, norm_name

if TYPE_CHECKING:  # pragma: no cover
    from .events import Context, Kind, Knowledge, Mention


_IRREGULAR = {"said": "says", "told": "tells", "wrote": "writes", "won": "wins", "withdrew": "withdraws",
              "met": "meets", "flew to": "flies to", "struck": "strikes", "held talks": "holds talks",
              "put forward": "puts forward", "according to": "reports"}


def present(verb: str) -> str:
    verb = verb.lower()
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("ied"):
        return verb[:-3] + "ies"
    if verb.endswith(("ssed", "shed", "ched", "xed", "zed")):
        return verb[:-2] + "es"
    if verb.endswith("ed"):
        stem = verb[:-2] if not verb.endswith(("ated", "ined", "ised", "ized", "osed", "used", "rged", "aged",
                                                "oved", "ived", "uded", "ared", "ored", "ured")) else verb[:-1]
        return stem + "s"
    return verb


def short_name(name: str, registry: Registry) -> str:
    """Titles use the shortest single-word alias of a person ("Vos")."""
    return _short_name(name, registry, registry.resolve(name))


def _short_name(name: str, registry: Registry, ident: str | None) -> str:
    """``short_name`` of a name whose registry id (``registry.resolve(name)``) is ``ident``."""
    if not ident:
        return name
    entry = registry.entries[ident]
    if entry.get("kind") == "person":
        for alias in entry.get("aliases") or []:
            if " " not in alias and "." not in alias and len(alias) > 2 and alias[0].isupper():
                return alias
    return entry.get("name", name)


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_SPACES = re.compile(r"\s+")
_LEAD = re.compile(r"^(?:(?:on|in|at|by|during|since|from|about|around|late|early|this|last|next|that|who|which|"
                   r"where|when|while|after|before|then|also|again|,|and|but|has|have|had|was|were|is|are)\s+)+", re.I)
_CUT = re.compile(r",(?!\d)|[;:!?—–(“”\"]|\.\s|\.$|\s-\s|\b(?:who|which|where|while|amid|despite|because|although|according to)\b")


# A word of at most six letters (see _last_word), then spaces to the end: "... on"
# before a date, "... in" before a name.
_DATE_WORD_BEFORE = re.compile(r"\b(?:on|in|at|since|by|from|until|during|last|this|next|late|early)\s+$", re.I)
_PLACE_WORD_BEFORE = re.compile(r"\b(?:in|at|from|of|to|near|on)\s+$")
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been)\s+$")
_POSSESSIVE_S = re.compile(r"^[’']s\b")


def _last_word(pattern: re.Pattern, text: str, longest: int = 6) -> re.Match | None:
    """``pattern.search(text)`` for a pattern of one word of at most ``longest``
    letters, spaces and the end (those above): such a match begins in the last
    ``longest`` letters, so the engine is not made to try every place before them."""
    return pattern.search(text, max(0, len(text.rstrip()) - longest))


def _clause(sentence: str, start: int, limit: int = 11, skip: tuple[int, int] | None = None) -> str:
    """The words from position ``start`` to the end of their clause, at most ``limit``,
    without the date expression ``skip``."""
    rest = sentence[start:]
    if skip and start <= skip[0]:
        a, b = skip[0] - start, skip[1] - start
        head = rest[:a]
        date_word = _last_word(_DATE_WORD_BEFORE, head)
        rest = (head[:date_word.start()] if date_word else head) + _POSSESSIVE_S.sub("", rest[b:])
    rest = _LEAD.sub("", rest.lstrip(" ,"))
    rest = _CUT.split(rest.lstrip("“\"‘ "), maxsplit=1)[0]
    words = rest.split()[:limit]
    while words and words[-1].lower() in {"the", "a", "an", "of", "to", "and", "in", "on", "for", "with", "as",
                                          "that", "by", "its", "their", "his", "her", "from", "at", "into"}:
        words.pop()
    return " ".join(words).strip(" '’")


_CAPS = re.compile(r"(?:[A-Z][\w.’'&-]*(?:\s+(?:of\s+)?[A-Z][\w.’'&-]*)*)")
_INVERTED = re.compile(r",\s*$")


def _subject(sentence: str, trig_start: int, trig_end: int, mention: Mention, ctx: Context) -> tuple[str, bool]:
    """Who did it, and whether the sentence is inverted ("..., said the ministry"):
    the actor named last before the trigger, else a capitalised name just
    before it ("CNN reported"), else the mention's first person."""
    if _INVERTED.search(sentence[:trig_start]) and re.match(r"\s+(?:the\s+|a\s+|an\s+)?[A-Za-z]*\s*[A-Z]", sentence[trig_end:]):
        after = _CAPS.search(sentence[trig_start:].split(" ", 1)[-1][:80])
        if after and after.group(0).split()[0] not in ctx.kb.not_names:
            return after.group(0), True
    before = [(pos, i) for pos, i in ctx.actors.find(sentence) if pos < trig_start]
    head = sentence[:trig_start]
    names = [m for m in _CAPS.finditer(head) if _plain_name(m.group(0), ctx.kb)
             and not _last_word(_PLACE_WORD_BEFORE, head[:m.start()])]
    if before and (not names or names[-1].start() <= before[-1][0] + 1 or not _near_start(head, names[-1])):
        return short_name(ctx.actors.registry.name(before[-1][1]), ctx.actors.registry), False
    if names and _near_start(head, names[-1]):
        return _plain_name(names[-1].group(0), ctx.kb), False
    people = mention.people or mention.actors
    return (short_name(people[0], ctx.actors.registry) if people else ""), False


def _plain_name(name: str, kb: Knowledge) -> str:
    """"The Senate" -> "Senate"; "" when what is left is no name ("The", "Monday")."""
    words = name.split()
    while words and words[0] in ("The", "A", "An"):
        words = words[1:]
    return " ".join(words) if words and words[0] not in kb.not_names else ""


def _near_start(head: str, name: re.Match) -> bool:
    """A name in the clause just before the verb ("CNN reported", "Reuters, citing sources, reported")."""
    return len(_events._CLAUSE_BREAK.findall(head[name.end():])) <= 2 and len(head[name.end():].split()) <= 4


def _quoted_words(sentence: str, limit: int = 12) -> str:
    m = _events._QUOTED.search(sentence)
    if not m:
        return ""
    words = m.group(0).strip("“”\" ").split()
    text = " ".join(words[:limit]).rstrip(",.;:")
    return f"“{text}{'…' if len(words) > limit else ''}”"


@lru_cache(maxsize=64)
def _object_phrase(nouns: tuple[str, ...]) -> re.Pattern:
    """A kind's object ("treaty") with up to three words before it ("the new peace treaty")."""
    return re.compile(r"((?:[\w.’'-]+\s){0,3}(?:" + "|".join(nouns) + r"))\b", re.I)


# A match needs "-hour" in the lower-cased sentence: re.I lets only "H", "O", "U" and
# "R" stand for these letters (re._casefix adds no other), and lower() writes each so.
_HOURS = re.compile(r"\b(one|two|three|four|[1-4])-hour\b", re.I)
_NOMINAL = re.compile(r"(?:[\w’'-]+\s){0,2}$")


def make_title(mention: Mention, kind: Kind, sentence: str, trig_start: int, trig_end: int, ctx: Context,
               skip: tuple[int, int] | None = None) -> str:
    registry = ctx.actors.registry
    idents: dict[str, str | None] = {}  # each name's registry id, looked up once (norm_name is not cheap)

    def ident(name: str) -> str | None:
        if name not in idents:
            idents[name] = registry.resolve(name)
        return idents[name]

    people = [_short_name(a, registry, ident(a)) for a in mention.people]
    who = people if len(people) >= 2 else _events._ordered([_short_name(a, registry, ident(a)) for a in mention.actors
                                                     if registry.entries.get(ident(a) or "", {}).get("kind") != "media"])[:4]
    place = f" in {mention.places[0]}" if mention.places else ""
    where = mention.places[0] if mention.places else ""
    trigger = sentence[trig_start:trig_end]
    verb = present(trigger.split()[0]) if trigger else kind.name
    obj = ""
    if kind.object_nouns:
        phrase = _object_phrase(kind.object_nouns)
        after = phrase.search(sentence, trig_end)  # what was signed comes after "signed", else anywhere
        found = [after] if after and after.start() - trig_end < 40 else list(phrase.finditer(sentence))
        if found:
            nearest = min(found, key=lambda m: abs(m.start() - trig_start))
            if trig_start < nearest.end() <= trig_end:  # the trigger names it: "passed the bill"
                nearest = re.match(r"\S+\s+(.*)", trigger) or nearest
            words = [w for w in nearest.group(1).split() if w.lower() not in
                     {"a", "an", "the", "signed", "new", "no", "this", "that", "week", "has", "have", "was", "been"}
                     and w.lower() != trigger.lower()]
            obj = " ".join(words[-4:])
    if kind.name == "attack":
        head = trigger if trigger.split()[0].lower() in ("incursion", "invasion", "offensive", "attack", "strike") else ""
        if head:  # "their surprise incursion": the noun phrase, where it happened
            lead = [w for w in _NOMINAL.search(sentence[:trig_start]).group(0).split()
                    if w.lower() not in {"their", "its", "his", "her", "the", "a", "an", "after", "before", "of"}]
            title = " ".join(lead + [trigger]) + place
        elif re.match(r"(?:was|were)\b", trigger, re.I) or _last_word(_PASSIVE_BEFORE, sentence[:trig_start]):
            done = re.sub(r"^(?:was|were)\s+", "", trigger)
            title = f"{done} {_clause(sentence, trig_end, 8, skip=skip)}"
        else:
            subject, _ = _subject(sentence, trig_start, trig_end, mention, ctx)
            title = f"{subject} {trigger} {_clause(sentence, trig_end, 8, skip=skip)}".strip()
    elif kind.name in ("statement", "report", "decision", "proposal") or "{object}" in kind.title and not obj:
        subject, inverted = _subject(sentence, trig_start, trig_end, mention, ctx)
        clause = _clause(sentence, 0, skip=skip) if inverted else _clause(sentence, trig_end, skip=skip)
        if not clause or clause.startswith(("“", '"')):
            clause = _quoted_words(sentence) or clause
        mention.agent = norm_name(subject)
        if kind.name == "report" or trigger.split()[0].lower() in ctx.kb.say_verbs:
            title = f"{subject}: {clause}" if clause else f"{subject} {'says' if kind.name == 'statement' else 'reports'}"
        elif kind.name == "statement":
            title = f"{subject} {verb} {clause}".strip()
        else:
            title = f"{subject} {verb} {obj or clause}".strip()
    else:
        if not who:  # nobody from the registry: whoever the sentence puts before the verb ("The Senate")
            subject, _ = _subject(sentence, trig_start, trig_end, mention, ctx)
            who = [subject] if subject else []
        template = kind.title if len(who) >= 2 else kind.title_one if who else kind.title_none
        title = template.format(actors=_join(who[:4]), first=who[0] if who else "", rest=_join(who[1:3]),
                                place=place, where=where, object=obj or kind.name, verb=verb,
                                phrase=_clause(sentence, trig_start, 10, skip=skip))
    if kind.name == "call":
        hours = _HOURS.search(sentence) if "-hour" in sentence.lower() else None
        if hours:
            title = title.replace("hold phone call", f"hold {hours.group(1).lower()}-hour phone call")
    title = _SPACES.sub(" ", title).strip(" :")
    if len(title.split()) < 2:
        title = _clause(sentence, 0, 12) or title
    if mention.planned and "planned" not in title.lower():
        title = f"{title} (planned)"
    return title[:1].upper() + title[1:]
