"""Threads: a series of events of the same kind between the same actors (the
calls between two presidents in one year), numbered in order so that a page can say "3rd call".
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import model
from .timeline import Registry

MIN_EVENTS = 3  # a series: three or more (two calls are a pair, not yet a thread)
MIN_ACTORS = 2  # "between" needs at least two parties


@dataclass
class Thread:
    id: str
    kind: str
    actors: tuple[str, ...]  # actor ids (or names when not in the registry)
    title: str
    events: list[dict] = field(default_factory=list)  # chronological

    def position(self, event_id: str) -> int:
        """1-based place of the event in the series."""
        for n, event in enumerate(self.events, 1):
            if event["id"] == event_id:
                return n
        raise KeyError(event_id)


def short_name(registry: Registry, ident: str) -> str:
    """'Piet Vos' -> 'Vos' for people; organisations keep their full name."""
    entry = registry.entries.get(ident)
    name = entry.get("name", ident) if entry else ident
    if entry and entry.get("kind", "person") == "person" and " " in name.strip():
        return name.strip().split()[-1]
    return name


def plural(kind: str) -> str:
    return kind if kind.endswith("s") else kind + "s"


def parties(event: dict, actors: Registry) -> list[str]:
    """Who a call or meeting is between: its people when it names two or more (the
    governments listed beside two presidents do not split their calls into
    different series), else every actor it names."""
    ids = list(dict.fromkeys(actors.resolve(str(a)) or str(a) for a in event.get("actors") or []))
    people = [i for i in ids if (actors.entries.get(i) or {}).get("kind") == "person"]
    return people if len(people) >= MIN_ACTORS else ids


def find_threads(events: list[dict], actors: Registry) -> list[Thread]:
    """Every thread in ``events`` (already chronological), ordered by its first event."""
    groups: dict[tuple, list[dict]] = {}
    for event in events:
        kind = str(event.get("kind") or "")
        ids = tuple(sorted(parties(event, actors)))
        if not kind or len(ids) < MIN_ACTORS:
            continue
        groups.setdefault((kind, ids), []).append(event)
    threads, taken = [], set()
    for (kind, ids), members in groups.items():
        if len(members) < MIN_EVENTS:
            continue
        first = parties(members[0], actors)
        ordered = sorted(ids, key=lambda i: first.index(i) if i in first else len(first))
        shorts = [short_name(actors, i) for i in ordered]
        ident = model.slugify(f"{kind} {' '.join(shorts)}", words=12)
        base, n = ident, 2
        while ident in taken:
            ident, n = f"{base}-{n}", n + 1
        taken.add(ident)
        threads.append(Thread(id=ident, kind=kind, actors=tuple(ordered), title=f"{'–'.join(shorts)} {plural(kind)}",
                              events=sorted(members, key=model.sort_key)))
    threads.sort(key=lambda t: (model.sort_key(t.events[0]), t.id))
    return threads
