"""Reading the curated timeline: event files, the actor and place registries,
the sources' metadata and the builder's state.

Layout of a timeline folder::

    timeline/
      2025/2025-05-19-trump-putin-hold-phone-call.yaml   one file per event
      actors.yaml        editors' registry: id -> name, aliases, kind, description
      places.yaml        the same for places
      sources.yaml       metadata of each article (written by `extract`)
      .builder-state.json  what the builder last wrote (machine-managed, committed)

A file that cannot be read is reported in ``problems`` and left out; the rest
of the timeline still loads.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import model
from .yamlio import YamlError, line_of, load, loads, read_text

REGISTRIES = ("actors", "places")
SCHEMA_HEADER = "# yaml-language-server: $schema={}\n"


@lru_cache(maxsize=1 << 16)
def norm_name(name: str) -> str:
    """How names are compared: case, accents, punctuation and 'the' do not count."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass
class Registry:
    """Actors or places: id -> {name, aliases, kind, description, proposed}."""

    entries: dict[str, dict] = field(default_factory=dict)
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        self._index = {}
        for ident, entry in self.entries.items():
            aliases = entry.get("aliases") or []
            names = [ident, entry.get("name", "")] + (list(aliases) if isinstance(aliases, list) else [aliases])
            for name in names:
                key = norm_name(name) if isinstance(name, str) else ""
                if key:
                    self._index.setdefault(key, ident)

    def resolve(self, name: str) -> str | None:
        """The id of the entry called ``name`` (by id, name or alias), or None."""
        return self._index.get(norm_name(name))

    def name(self, ident_or_name: str) -> str:
        ident = self.resolve(ident_or_name)
        return self.entries[ident].get("name", ident) if ident else ident_or_name

    def names(self) -> dict[str, str]:
        """Every normalised name and alias -> id."""
        return dict(self._index)


@dataclass
class Timeline:
    root: Path
    events: dict[str, dict] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    actors: Registry = field(default_factory=Registry)
    places: Registry = field(default_factory=Registry)
    sources: dict[str, dict] = field(default_factory=dict)
    problems: list[YamlError] = field(default_factory=list)

    def published(self) -> list[dict]:
        """Events readers see: all but the rejected, oldest first."""
        return sorted((e for e in self.events.values() if e.get("status") != "rejected"), key=model.sort_key)


def event_files(root: Path) -> list[Path]:
    """Every event file below ``root`` (YYYY/*.yaml), in a stable order."""
    return sorted(p for p in root.glob("[0-9][0-9][0-9][0-9]/*.yaml") if not p.name.startswith(".") and p.is_file())


def load_registry(path: Path, problems: list[YamlError]) -> dict[str, dict]:
    if not path.exists():
        return {}
    try:
        text = read_text(path)
        data = loads(text, str(path))
    except YamlError as err:
        problems.append(err)
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(YamlError(str(path), 1, "expected a mapping of id -> entry",
                                  "see the editor's guide in README.md"))
        return {}
    out = {}
    for ident, entry in data.items():
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict):
            problems.append(YamlError(str(path), line_of(text, (ident,)), f"entry {ident!r} must be a mapping with a name"))
            continue
        out[str(ident)] = entry
    return out


def load_event(path: Path) -> dict:
    """One event file as a dict; YamlError when it is not a YAML mapping."""
    data = load(path)
    if data is None:
        raise YamlError(str(path), 1, "empty file", "delete the file to delete the event")
    if not isinstance(data, dict):
        raise YamlError(str(path), 1, f"an event must be a mapping of fields, not a {type(data).__name__}")
    for key in ("date", "end"):  # `date: 2025` is read as a number
        if isinstance(data.get(key), int) and not isinstance(data.get(key), bool):
            data[key] = str(data[key])
    return data


def load_timeline(root: Path) -> Timeline:
    root = Path(root)
    timeline = Timeline(root=root)
    if not root.exists():
        return timeline
    for path in event_files(root):
        try:
            event = load_event(path)
        except YamlError as err:
            timeline.problems.append(err)
            continue
        ident = str(event.get("id") or path.stem)
        if ident in timeline.events:
            timeline.problems.append(YamlError(str(path), 1, f"duplicate id {ident!r}, also in {timeline.paths[ident]}",
                                               "give each event its own id (the file name)"))
            continue
        timeline.events[ident] = event
        timeline.paths[ident] = path
    problems = timeline.problems
    timeline.actors = Registry(load_registry(root / "actors.yaml", problems))
    timeline.places = Registry(load_registry(root / "places.yaml", problems))
    timeline.sources = load_registry(root / "sources.yaml", problems)
    return timeline
