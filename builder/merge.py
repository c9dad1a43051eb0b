"""Stage 5: mentions of the same happening, from any number of articles, become
one event citing every article.

Mentions are blocked by date, so no two mentions far apart in time are ever
compared: merging 100,000 mentions takes seconds. In order:

1. mentions with a reliable day (written in full, or relative to a stated
   publication date) group by day, kind and participants;
2. coarser reliable mentions ("this week", "in February") join a day event
   inside their span, or group among themselves;
3. mentions dated against an inferred publication date join an event that
   another article dates, up to three weeks away, when kind and participants
   agree strongly: the explicit date wins;
4. the same happening dated a day or two apart by different articles merges,
   and the disagreement is recorded;
5. undated mentions ("a two-hour call") join the latest matching event of the
   month before their article's date, or are dropped.

The result does not depend on the order the articles were read in.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .events import Mention
from .store import Candidate
from .timeline import norm_name

CERTAINTY = {"explicit": 3, "anchored": 2, "inferred": 1, "undated": 0}
PRECISION = {"day": 4, "week": 3, "month": 2, "year": 1, "none": 0}
INFERRED_REACH_DAYS = 21
DISAGREEMENT_REACH_DAYS = 2
WEAK_KINDS = frozenset({"statement", "report", "decision", "proposal"})


@dataclass
class Cluster:
    mentions: list[Mention] = field(default_factory=list)
    _actors: set = field(default_factory=set, repr=False)
    _places: set = field(default_factory=set, repr=False)
    _terms: set = field(default_factory=set, repr=False)
    _best: Mention | None = field(default=None, repr=False)
    day: dt.date | None = None  # the day it was filed under when created

    def add(self, m: Mention) -> None:
        self.mentions.append(m)
        self._actors |= _key_actors(m)
        self._places |= {_norm(p) for p in m.places}
        self._terms |= m.terms
        if self._best is None or _date_rank(m) > _date_rank(self._best):
            self._best = m

    def absorb(self, other: "Cluster") -> None:
        for m in other.mentions:
            self.add(m)
        other.mentions, other._best = [], None

    @property
    def best(self) -> Mention:
        return self._best

    @property
    def start(self) -> dt.date:
        return _day(self.best.date)

    @property
    def kind(self) -> str:
        return self.best.kind

    @property
    def sources(self) -> set[str]:
        return {m.source for m in self.mentions}

    def actors(self) -> set[str]:
        return self._actors

    def places(self) -> set[str]:
        return self._places

    def terms(self) -> set:
        return self._terms


def _date_rank(m: Mention) -> tuple:
    return (CERTAINTY[m.certainty], PRECISION[m.precision], not m.caption, m.date, m.source, m.order)


@lru_cache(maxsize=65536)
def _day(iso: str) -> dt.date:
    parts = [int(p) for p in iso.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _span(m: Mention) -> tuple[dt.date, dt.date]:
    start = _day(m.date)
    if m.end:
        end = _day(m.end)
        if len(m.end) == 7:
            end = _month_end(end)
    elif m.precision == "month":
        end = _month_end(start)
    elif m.precision == "year":
        end = dt.date(start.year, 12, 31)
    else:
        end = start
    return start, max(start, end)


def _month_end(day: dt.date) -> dt.date:
    nxt = day.replace(day=28) + dt.timedelta(days=4)
    return nxt - dt.timedelta(days=nxt.day)


_norm = lru_cache(maxsize=65536)(norm_name)


def _key_actors(m: Mention) -> frozenset:
    """Who a mention is about: its people when it names any ("US President X" is
    about X), known by surname so that "Costa" and "Ana Costa" agree across
    articles; else its governments and organisations."""
    if m.actor_keys is None:
        if m.people:
            m.actor_keys = frozenset(_norm(a).split()[-1] for a in m.people if _norm(a))
        else:
            m.actor_keys = frozenset(_norm(a) for a in m.actors)
    return m.actor_keys


def _compatible(m: Mention, c: Cluster, strong: bool = False) -> bool:
    """Whether mention ``m`` reports the happening of cluster ``c``. ``strong``
    asks more: for joining across days (an inferred or missing date)."""
    if m.kind != c.kind:
        return False
    if m.kind in WEAK_KINDS and m.agent and c.best.agent and m.agent != c.best.agent:
        return False  # two people's statements on one day are two statements
    a, b = _key_actors(m), c.actors()
    shared = a & b
    places = bool({_norm(p) for p in m.places} & c.places())
    if not a or not b:
        return not strong and (places or _term_overlap(m.terms, c.terms()) >= 0.25)
    if not shared:
        return False
    agree = a <= b or b <= a or len(shared) / len(a | b) >= 0.5
    if not strong:
        return agree
    if m.kind in WEAK_KINDS:  # statements and reports are only the same within a day
        return False
    return agree and (len(shared) >= 2 or places or len(m.terms & c.terms()) >= 4)


def _term_overlap(a: frozenset, b: frozenset) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def merge(mentions: list[Mention]) -> list[Cluster]:
    ordered = sorted(mentions, key=lambda m: (-CERTAINTY[m.certainty], -PRECISION[m.precision], m.date, m.source,
                                              m.order, m.quote))
    by_day: dict[tuple, list[Cluster]] = defaultdict(list)        # (day, kind) -> clusters
    by_actor: dict[tuple, dict] = defaultdict(lambda: defaultdict(list))  # (kind, actor) -> day -> clusters
    coarse: dict[tuple, list[Cluster]] = defaultdict(list)        # (date, kind) -> coarse clusters
    clusters: list[Cluster] = []

    def new_cluster(m: Mention) -> Cluster:
        c = Cluster()
        c.add(m)
        clusters.append(c)
        if m.precision == "day":
            by_day[(_day(m.date), m.kind)].append(c)
        else:
            coarse[(m.date, m.kind)].append(c)
        c.day = _day(m.date)
        for a in _key_actors(m):
            by_actor[(m.kind, a)][c.day].append(c)
        return c

    def join(c: Cluster, m: Mention) -> None:
        new = _key_actors(m) - c.actors()
        c.add(m)
        for a in new:
            by_actor[(c.kind, a)][c.day].append(c)

    def near(m: Mention, start: dt.date, end: dt.date) -> list[Cluster]:
        """Day clusters of m's kind between start and end, found through m's
        actors (or, for a mention without actors, day by day)."""
        actors = _key_actors(m)
        days = (end - start).days
        if actors:
            seen, out = set(), []
            for a in sorted(actors):
                index = by_actor.get((m.kind, a))
                if not index:
                    continue
                keys = (start + dt.timedelta(days=i) for i in range(days + 1)) if days <= 62 else \
                    (d for d in sorted(index) if start <= d <= end)
                for d in keys:
                    for c in index.get(d, ()):
                        if id(c) not in seen and c.mentions and c.best.precision == "day":
                            seen.add(id(c))
                            out.append(c)
            return sorted(out, key=lambda c: (c.day, c.best.source, c.best.order))
        days = min((end - start).days, 400)
        return [c for i in range(days + 1) for c in by_day.get((start + dt.timedelta(days=i), m.kind), [])]

    for m in ordered:
        if m.certainty == "undated":
            continue
        start, end = _span(m)
        if m.precision != "day":  # "this week", "in February": a day inside it that matches,
            # told by the same article first, else the latest ("this year" looks back from the anchor)
            inside = sorted((c for c in near(m, start, end) if _compatible(m, c)),
                            key=lambda c: (m.source in c.sources, c.day), reverse=True)
            home = next(iter(inside), None) or \
                next((c for c in coarse.get((m.date, m.kind), []) if _compatible(m, c)), None)
        elif m.certainty in ("explicit", "anchored"):
            home = next((c for c in by_day[(start, m.kind)] if _compatible(m, c)), None)
        else:  # dated against an inferred anchor: only a strong match elsewhere moves it
            reach = dt.timedelta(days=INFERRED_REACH_DAYS)
            options = [c for c in near(m, start - reach, end + reach)
                       if c.best.certainty != "inferred" and _compatible(m, c, strong=True)]
            options.sort(key=lambda c: (abs((c.day - start).days), c.best.date))
            home = options[0] if options else next(
                (c for c in by_day.get((start, m.kind), []) if _compatible(m, c)), None)
        if home is not None:
            join(home, m)
        else:
            new_cluster(m)

    # The same happening dated a day or two apart by different articles.
    for day, kind in sorted(by_day, key=lambda k: (k[0], k[1])):
        for c in list(by_day[(day, kind)]):
            if not c.mentions:
                continue
            later = day + dt.timedelta(days=DISAGREEMENT_REACH_DAYS)
            for other in near(c.best, day + dt.timedelta(days=1), later):
                if other is c or not other.mentions or (c.sources & other.sources):
                    continue
                if all(_compatible(m, c, strong=True) for m in other.mentions):
                    new = other.actors() - c.actors()
                    c.absorb(other)
                    for a in new:
                        by_actor[(kind, a)][c.day].append(c)

    # Undated mentions join the latest matching event before their article's date.
    for m in ordered:
        if m.certainty != "undated" or not m.window:
            continue
        lo, hi = (dt.date.fromisoformat(d) for d in m.window)
        options = [c for c in near(m, lo, hi) if _compatible(m, c, strong=True)]
        if options:
            join(max(options, key=lambda c: (c.day, c.best.date, sorted(c.sources))), m)
    clusters = [c for c in clusters if c.mentions]
    return sorted(clusters, key=lambda c: (c.best.date, c.best.title, c.best.source, c.best.order))


def to_candidate(cluster: Cluster) -> Candidate:
    best = cluster.best
    dated = [m for m in cluster.mentions if m.certainty != "undated"]
    titled = max(dated, key=lambda m: (len(m.people) >= 2, len(m.actors) >= 2, CERTAINTY[m.certainty], not m.caption,
                                       len(m.actors), m.confidence, m.source, -m.order))
    per_source: dict[str, Mention] = {}
    for m in sorted(cluster.mentions, key=lambda m: (m.source, m.order)):
        current = per_source.get(m.source)
        if current is None or _quote_rank(m) > _quote_rank(current):
            per_source[m.source] = m
    sources = []
    for source in sorted(per_source):
        m = per_source[source]
        item = {"source": source, "quote": m.quote}
        if m.date_text:
            item["date_text"] = m.date_text
        item["resolved"] = m.resolved if m.date == best.date or m.certainty == "undated" else \
            f"{m.resolved}; gave {m.date}, another source dates it {best.date}"
        if m.caption:
            item["caption"] = True
        sources.append(item)
    actors = _rank([a for m in cluster.mentions for a in m.actors])
    places = _rank([p for m in cluster.mentions for p in m.places])
    review, disagreements = [], []
    if best.certainty == "inferred":
        review.append("date resolved against a publication date inferred from the text")
    if all(m.caption for m in dated):
        review.append("only found in a photo caption")
    for m in dated:
        if CERTAINTY[m.certainty] >= 2 and m.precision == "day" and m.date != best.date:
            disagreements.append({"source": m.source, "date": m.date, "date_text": m.date_text})
    if disagreements:
        review.append("sources disagree on the date")
        disagreements = sorted({(d["source"], d["date"], d["date_text"]) for d in disagreements})
        disagreements = [{"source": s, "date": d, "date_text": t} for s, d, t in disagreements]
    confidence = min(0.99, max(m.confidence for m in cluster.mentions) + 0.05 * (len(per_source) - 1))
    summary_from = max((m for m in dated if not m.caption), default=titled, key=_quote_rank)
    end = best.end if best.end and best.end > best.date else None
    return Candidate(
        date=best.date, end=end, title=titled.title, kind=best.kind, summary=summary_from.quote,
        actors=actors, places=places, planned=all(m.planned for m in dated), confidence=confidence,
        review=review, disagreements=disagreements, sources=sources,
        mentions=sorted({m.key for m in cluster.mentions}),
    )


def _quote_rank(m: Mention) -> tuple:
    """The sentence that best reports the event: dated, naming its people, early in the article."""
    return (m.certainty != "undated", not m.caption, min(len(m.people), 2), CERTAINTY[m.certainty],
            PRECISION[m.precision], -m.order)


def _rank(names: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        counts[name] = counts.get(name, 0) + 1
        first.setdefault(name, i)
    return sorted(counts, key=lambda n: (-counts[n], first[n]))


def matcher(candidate: Candidate, event: dict) -> bool:
    """Whether a candidate no earlier run has seen is an event already in the
    timeline (an editor's own, or one whose quotes changed): same day, same kind,
    participants that agree."""
    if str(event.get("date", "")) != candidate.date or (event.get("kind") or "") != candidate.kind:
        return False
    if candidate.kind in WEAK_KINDS:  # who said what is in the words, not the participants
        return False
    a = {norm_name(x) for x in candidate.actors}
    b = {norm_name(x) for x in event.get("actors") or []}
    if not a or not b:
        return False
    shared = a & b
    return bool(shared) and (a <= b or b <= a or len(shared) / len(a | b) >= 0.5)
