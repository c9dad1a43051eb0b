"""People an article introduces, found without any registry.

News introduces a person once in full, usually with a title ("Brazilian President
Ana Costa", "Labor Minister Jeannette Jara") or as a name whose surname
then recurs alone ("Piet Vos ... Vos said"), and afterwards uses the
surname. ``ArticlePeople`` reads the whole story once, collects those full
names, and then finds every later mention, full or by surname, as the full
name. The timeline's ``actors.yaml`` still wins where it knows the person: its
names are left to the registry gazetteer.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .timeline import Registry
from .alternation import CapitalisedNames, factored

# A run of two to five capitalised words ("Brazilian President Ana Costa"). A
# word's letters are never given back (possessive "*+"): what follows a word, a
# dot or a space, is no letter, so giving letters back could not help the match
# and only made the engine retry at every one of them. Lower-case letters are
# taken first because "[a-z]" is cheaper to test than "\w"; "(?=[A-Z])" gives up
# at once where the word after the first is not capitalised. The matches are those
# of "[A-Z][\w'’-]*\.?[ \t]+(?:[A-Z][\w'’-]*\.?[ \t]+){0,3}[A-Z][\w'’-]+".
_RUN_WORD = r"[A-Z][a-z]*+[\w'’-]*+\.?[ \t]+"
_RUN = re.compile(_RUN_WORD + r"(?=[A-Z])(?:" + _RUN_WORD + r"){0,3}[A-Z][\w'’-]+")
_WORD_SHAPE = re.compile(r"^[A-Z][a-zà-ÿ'’-]*[a-zà-ÿ](?:-[A-Z][a-zà-ÿ'’-]+)?$|^[A-Z]\.$|^[A-Z][a-z]?[A-Z][a-zà-ÿ]+$")
# Begins with a capital, written first so that the engine can skip to the
# capitals (a look-behind in front would stop it): "[A-Z](?<![\w-].)" is a capital
# with no letter or hyphen before it.
_CAPITALISED = re.compile(r"[A-Z](?<![\w-].)[\w'’-]*(?![\w-])")
_POSSESSIVE = re.compile(r"[’']s?$")
_POSSESSIVE_ENDS = ("'", "’", "'s", "’s")  # the same, for str.endswith
_NATIONALITY = re.compile(r"(?:ian|ese|ish|ean|ench|ch|i|an)$")


class _Alone:
    """How often a name's last word stands alone in ``text`` ("Vos" beyond "Piet
    Vos"): its capitalised words (those of ``_CAPITALISED``) minus the name's own
    occurrences. Worked out for the few candidate names only, once each, instead of
    counting every capitalised word of the article."""

    def __init__(self, text: str):
        self.text = text
        self.known: dict[str, int] = {}

    def __call__(self, name: str, last: str) -> int:
        if name not in self.known:
            self.known[name] = _capitalised_count(self.text, last) - self.text.count(name)
        return self.known[name]


_WORD_CHAR = re.compile(r"[\w'’-]")  # what _CAPITALISED's words are made of


def _capitalised_count(text: str, word: str) -> int:
    """``Counter(_CAPITALISED.findall(text))[word]`` for one ``word`` (a capital, then
    word characters). ``_CAPITALISED`` takes each run of word characters from its
    first capital with nothing before it but an apostrophe ("O'Brien", "’Vos") to
    the end, so ``word`` counts where it ends a run and the run's capital is its own."""
    count, pos = 0, text.find(word)
    while pos >= 0:
        end = pos + len(word)
        if not _WORD_CHAR.match(text, end):
            start = pos
            while start and _WORD_CHAR.match(text, start - 1):
                start -= 1  # back to where the run begins
            found = _CAPITALISED.search(text, start, end)
            count += found is not None and found.start() == pos
        pos = text.find(word, pos + 1)
    return count


def _titled(text: str, kb):
    """``kb.person_title.finditer(text)``: the persons' titles, each with the
    capitalised words after it ("President Ana Costa"). That pattern's own
    search stops at every "a", "e", "l" and "s" (the first letters of "ambassador",
    "envoy", "leader", "spokesman"); here the titles that begin with a capital are
    searched for apart, so that the engine skips to the capitals, and the others,
    plain words, with ``str.find``. The pattern is tried where they are found."""
    finders = _title_finders(tuple(kb.raw["person_titles"]), kb.person_title.exact.flags)
    if finders is None:
        yield from kb.person_title.finditer(text)
        return
    capitalised, words = finders
    places = sorted({i for word in words for i in _occurrences(text, word)} | set(_starts(capitalised, text)))
    match, pos = kb.person_title.exact.match, 0
    for start in places:  # as Located.finditer, over these places
        if start < pos:
            continue
        found = match(text, start)
        if found is not None:
            yield found
            pos = max(found.end(), start + 1)


def _occurrences(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def _starts(pattern: re.Pattern, text: str) -> list[int]:
    """Every place where ``pattern`` matches, overlapping ones too."""
    out, search, pos = [], pattern.search, 0
    while (m := search(text, pos)) is not None:
        out.append(m.start())
        pos = m.start() + 1
    return out


_PLAIN = re.compile(r"(?:[^\\.^$*+?{}\[\]|()]|\\[^\w])+")  # letters, spaces, escaped punctuation ("Sen\.")


@lru_cache(maxsize=4)
def _title_finders(titles: tuple[str, ...], flags: int) -> tuple[re.Pattern, tuple[str, ...]] | None:
    """A pattern matching where one of the ``titles`` (regular expressions) that
    begin with a capital stands before a capitalised word, and the other titles as
    the plain words they are; None when one of those is no plain word."""
    if flags & ~re.UNICODE:  # ignoring case, verbose: the words would read otherwise
        return None
    capitalised = [title for title in titles if "A" <= title[:1] <= "Z"]
    words = [title for title in titles if title not in capitalised]
    if not all(_PLAIN.fullmatch(word) for word in words):
        return None
    pattern = re.compile(r"(?:" + factored(capitalised) + r")\s+[A-Z]" if capitalised else r"(?!x)x", flags)
    return pattern, tuple(re.sub(r"\\(.)", r"\1", word) for word in words)


class ArticlePeople:
    def __init__(self, texts: list[str], kb, registry: Registry):
        self.registry = registry
        text = "\n".join(texts)
        titles = kb.title_words
        not_names = kb.not_names
        not_surnames = kb.not_surnames
        full: dict[str, str] = {}     # as written -> full name
        single: set[str] = set()      # surnames a title introduced alone ("President Costa")
        for m in _titled(text, kb):
            words = [_POSSESSIVE.sub("", w.strip(",.;:")) for w in m.group(1).split()]
            while words and (not words[-1] or words[-1] in not_names or not _WORD_SHAPE.match(words[-1])):
                words.pop()
            if not words or any(w in not_names for w in words) or words[-1] in not_surnames:
                continue
            if len(words) == 1:
                single.add(words[0])
            else:
                full[" ".join(words)] = " ".join(words)
        alone = _Alone(text)
        for m in _RUN.finditer(text):
            words = m.group(0).split()
            if any(w.endswith(_POSSESSIVE_ENDS) for w in words):
                continue  # "Russia's Kursk", "Ukraine's path": not a name
            while words and (words[0].rstrip(".") in titles or words[0] in not_names
                             or _NATIONALITY.search(words[0]) and words[0] not in full):
                words = words[1:]
            if not 2 <= len(words) <= 3 or not all(_WORD_SHAPE.match(w) for w in words):
                continue
            if any(w in not_names for w in words) or words[-1] in not_surnames:
                continue
            name = " ".join(words)
            if name in full or alone(name, words[-1]) >= 1:
                full[name] = name
        surnames: dict[str, set[str]] = {}
        for name in full.values():
            surnames.setdefault(name.split()[-1], set()).add(name)
        self.names: dict[str, str] = {}
        for name in full.values():
            if not self._known(name):
                self.names[name] = name
        for surname, owners in surnames.items():
            if len(owners) == 1 and not self._known(surname) and not self._known(next(iter(owners))):
                self.names[surname] = next(iter(owners))
        for surname in single - set(surnames):
            if not self._known(surname) and surname not in not_surnames:
                self.names[surname] = surname
        # "Costa-Vos call": a hyphen may join two names
        self.finder = CapitalisedNames(self.names)

    def _known(self, name: str) -> bool:
        return self.registry.resolve(name) is not None

    def find(self, text: str) -> list[tuple[int, str]]:
        """(position, full name) of each person of this article named in ``text``."""
        names = self.names
        return [(pos, names[name]) for pos, name in self.finder.find(text)] if names else []
