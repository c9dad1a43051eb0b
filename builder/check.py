"""`timeline check`: validate every YAML file of the timeline and report every
problem at once, as ``path:line: severity: message (hint: ...)``.

Errors break the timeline (bad YAML, schema, duplicate ids, impossible dates,
dangling references, missing sources, a broken registry). Warnings are worth an
editor's look (unknown actors or places, proposed registry entries, stray
files); ``--strict`` makes them errors.

A file that cannot be read is reported and the others are still checked.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import model
from .store import LOCK_FILE, STATE_FILE
from .timeline import REGISTRIES, event_files, load_event, load_registry, norm_name
from .yamlio import YamlError, line_of, loads, read_text

REGISTRY_SCHEMA = Path(__file__).parent / "schema" / "registry.schema.json"


@dataclass
class Problem:
    path: str
    line: int
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.severity}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


@dataclass
class Report:
    files: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    strict: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error" or self.strict]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        warnings = len(self.warnings)
        status = "ok" if self.ok else "FAILED"
        strict = " (--strict: warnings count as errors)" if self.strict and warnings else ""
        return (f"check {status}: {self.events} events in {self.files} files, "
                f"{len(self.problems) - warnings} errors, {warnings} warnings{strict}")


def _from_yaml_error(err: YamlError) -> Problem:
    return Problem(err.path, err.line or 1, err.message, err.hint)


def check(root: Path, sources: Path | None = None, strict: bool = False) -> Report:
    """Check the timeline folder ``root``; ``sources`` is the folder of articles
    that events cite. Never raises for a bad file: every problem is in the report."""
    root = Path(root)
    if not root.is_dir():
        raise RuntimeError(f"{root}: no such timeline folder")
    report = Report(strict=strict)
    known = {name: _check_registry(root / f"{name}.yaml", name, report) for name in REGISTRIES}
    source_ids = _source_ids(root, sources, report)
    events = _check_events(root, known, source_ids, report)
    _check_references(root, events, report)
    _check_stray_files(root, report)
    report.events = len(events)
    report.problems.sort(key=lambda p: (p.path, p.line))
    return report


# --- registries ------------------------------------------------------------------

@lru_cache(maxsize=1)
def _entry_validator():
    import jsonschema

    schema = json.loads(REGISTRY_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema["additionalProperties"])


def _check_registry(path: Path, name: str, report: Report) -> set[str]:
    """Problems of actors.yaml or places.yaml; the normalised names it knows."""
    if not path.exists():
        return set()
    report.files += 1
    where, what = str(path), name[:-1]
    try:
        text = read_text(path)
        data = loads(text, where)
    except YamlError as err:
        report.problems.append(_from_yaml_error(err))
        return set()
    if data is None:
        return set()
    if not isinstance(data, dict):
        report.problems.append(Problem(where, 1, f"expected a mapping of id -> {what}, not a {type(data).__name__}",
                                       "see the editor's guide in README.md"))
        return set()
    names: dict[str, str] = {}
    for ident, entry in data.items():
        line = line_of(text, (ident,))
        if isinstance(entry, str):  # `id: Name` is short for `id: {name: Name}`
            entry = {"name": entry}
        if not isinstance(entry, dict):
            report.problems.append(Problem(where, line, f"{what} {ident!r} must be a mapping with a name",
                                           "write `name: ...` (and aliases, kind, description) under the id"))
            continue
        for err in sorted(_entry_validator().iter_errors(entry), key=lambda e: list(map(str, e.absolute_path))):
            keys = (ident, *err.absolute_path)
            if err.validator == "additionalProperties":
                for extra in sorted(set(entry) - set(err.schema.get("properties", {}))):
                    report.problems.append(Problem(where, line_of(text, (ident, extra)),
                                                   f"unknown field {extra!r} in {what} {ident!r}",
                                                   "allowed: name, aliases, kind, description, proposed"))
            elif err.validator == "required":
                report.problems.append(Problem(where, line, f"{what} {ident!r} has no name", "add `name: ...`"))
            else:
                report.problems.append(Problem(where, line_of(text, keys),
                                               f"{what} {ident!r}: {'.'.join(map(str, err.absolute_path))}: "
                                               f"{err.message}"))
        if entry.get("proposed"):
            report.problems.append(Problem(where, line_of(text, (ident, "proposed")),
                                           f"{what} {ident!r} was proposed by the builder and awaits confirmation",
                                           "check it, then delete the `proposed: true` line (or delete the entry)",
                                           "warning"))
        aliases = entry.get("aliases") if isinstance(entry.get("aliases"), list) else []
        spelled = [((ident,), ident), ((ident, "name"), entry.get("name"))] + \
            [((ident, "aliases", i), a) for i, a in enumerate(aliases)]
        for keys, value in spelled:
            key = norm_name(value) if isinstance(value, str) else ""
            if not key:
                continue
            if names.get(key, ident) != ident:
                report.problems.append(Problem(where, line_of(text, keys),
                                               f"{value!r} names both {names[key]!r} and {ident!r}",
                                               f"an event naming {value!r} would mean {names[key]!r}; "
                                               "keep the name or alias on one entry", "warning"))
            names.setdefault(key, ident)
    return set(names)


def _source_ids(root: Path, sources: Path | None, report: Report) -> set[str] | None:
    """Ids of the articles events may cite, or None when they cannot be known."""
    ids: set[str] = set()
    if sources is not None:
        sources = Path(sources)
        if sources.is_dir():
            ids = {p.stem for p in sources.iterdir()
                   if p.is_file() and not p.name.startswith(".") and not p.name.endswith((".meta.yaml", ".meta.yml"))}
        else:
            report.problems.append(Problem(str(sources), 1, "no such sources folder: cited sources were not checked",
                                           "pass --sources DIR, the folder of articles", "warning"))
    problems: list[YamlError] = []
    registry = root / "sources.yaml"
    if registry.exists():
        report.files += 1
        ids |= set(load_registry(registry, problems))
    report.problems.extend(_from_yaml_error(p) for p in problems)
    return ids or None


# --- events ------------------------------------------------------------------------

def _check_events(root: Path, known: dict[str, set[str]], source_ids: set[str] | None,
                  report: Report) -> dict[str, tuple[Path, dict, str]]:
    add = report.problems.append
    loaded: list[tuple[Path, dict, str]] = []
    for path in event_files(root):
        report.files += 1
        try:
            text = read_text(path)
            event = load_event(path)
        except YamlError as err:
            add(_from_yaml_error(err))
            continue
        loaded.append((path, event, text))
    # Of two files with one id, the one named by it keeps it; the other is the copy.
    events: dict[str, tuple[Path, dict, str]] = {}
    for path, event, text in sorted(loaded, key=lambda item: item[0].stem != item[1].get("id")):
        if isinstance(event.get("id"), str):
            events.setdefault(event["id"], (path, event, text))
    for path, event, text in loaded:
        where = str(path)
        for keys, message in model.schema_errors(event):
            add(Problem(where, line_of(text, keys), message, _hint(keys, message)))
        ident = event.get("id")
        if isinstance(ident, str):
            if ident != path.stem:
                add(Problem(where, line_of(text, ("id",)), f"id {ident!r} does not match the file name {path.name!r}",
                            "ids never change: rename the file back, or restore the id"))
            elif path.parent.name != ident[:4]:
                add(Problem(where, line_of(text, ("id",)), f"event {ident!r} is filed under {path.parent.name}/",
                            f"move it to {ident[:4]}/"))
            if events[ident][0] != path:
                add(Problem(where, line_of(text, ("id",)), f"duplicate id {ident!r}, also in {events[ident][0]}",
                            "each event needs its own id (its file name)"))
        _check_dates(where, event, text, add)
        for kind in ("actors", "places"):
            names = event.get(kind)
            for i, name in enumerate(names if isinstance(names, list) else []):
                if isinstance(name, str) and name.strip() and norm_name(name) not in known[kind]:
                    add(Problem(where, line_of(text, (kind, i)), f"unknown {kind[:-1]} {name!r}",
                                f"add it to timeline/{kind}.yaml (name or alias) or fix the spelling", "warning"))
        items = event.get("sources")
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and source_ids is not None and isinstance(item.get("source"), str) \
                    and item["source"] not in source_ids:
                add(Problem(where, line_of(text, ("sources", i, "source")),
                            f"source {item['source']!r} does not exist",
                            "a source is an article's file name in sources/ without its extension"))
    return events


def _check_dates(where: str, event: dict, text: str, add) -> None:
    for key in ("date", "end"):
        value = event.get(key)
        if isinstance(value, str) and model.ISO_DATE.match(value) and not model.parse_iso(value):
            add(Problem(where, line_of(text, (key,)), f"{key} {value!r} is not a real calendar date",
                        "check the month's length and that the month is 01-12"))
    date, end = event.get("date"), event.get("end")
    if isinstance(date, str) and isinstance(end, str):
        start, last = model.first_day(date), model.last_day(end)
        if start and last and last < start:
            add(Problem(where, line_of(text, ("end",)), f"end {end} is before date {date}",
                        "swap them or fix the typo"))


def _check_references(root: Path, events: dict[str, tuple[Path, dict, str]], report: Report) -> None:
    add = report.problems.append
    history = _state_ids(root, report)
    for ident, (path, event, text) in events.items():
        for key in ("related", "merged"):
            refs = event.get(key)
            for i, other in enumerate(refs if isinstance(refs, list) else []):
                if not isinstance(other, str):
                    continue
                where, line = str(path), line_of(text, (key, i))
                if other == ident:
                    add(Problem(where, line, f"{key} names the event itself", f"remove {other!r} from {key}"))
                elif key == "related" and other not in events:
                    add(Problem(where, line, f"related event {other!r} does not exist",
                                "use the id (file name) of an existing event"))
                elif key == "merged" and other in events:
                    add(Problem(where, line, f"{other!r} is merged into this event but still exists",
                                f"delete {events[other][0]} once its sources are here"))
                elif key == "merged" and history is not None and other not in history:
                    add(Problem(where, line, f"merged event {other!r} never existed in this timeline",
                                "check the spelling: it is the id (file name) of the event you deleted", "warning"))


def _state_ids(root: Path, report: Report) -> set[str] | None:
    """Every id the builder ever wrote, from its state file (None without one)."""
    path = root / STATE_FILE
    if not path.exists():
        return None
    report.files += 1
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if state.get("pending"):
            report.problems.append(Problem(str(path), 1, "the last `timeline extract` was interrupted while writing",
                                           "run it again: it finishes the job; every file is whole", "warning"))
        return set(state.get("events", {})) | set(state.get("deleted", {})) | set(state.get("merged", {}))
    except (OSError, ValueError, AttributeError) as err:
        report.problems.append(Problem(str(path), 1, f"unreadable builder state: {err}",
                                       "the builder keeps it; restore it from git (git checkout -- it)"))
        return None


def _check_stray_files(root: Path, report: Report) -> None:
    """Files that look like timeline data but that nothing reads, and leftovers."""
    read = set(event_files(root)) | {root / f"{name}.yaml" for name in (*REGISTRIES, "sources")}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path in read or any(part.startswith(".") for part in path.relative_to(root).parts[:-1]):
            continue
        name = path.name
        if name.endswith(".tmp") and name.startswith("."):
            report.problems.append(Problem(str(path), 1, "a temporary file left by an interrupted run",
                                           "delete it", "warning"))
        elif name.endswith((".yaml", ".yml")) and not name.startswith("."):
            hint = "event files are YYYY/<id>.yaml" + ("; rename it to .yaml" if name.endswith(".yml") else "")
            report.problems.append(Problem(str(path), 1, "this file is not read by the builder", hint, "warning"))
        elif name == LOCK_FILE:
            continue


def _hint(keys: tuple, message: str) -> str:
    if message.startswith("unknown field"):
        return "allowed fields are listed in builder/schema/event.schema.json"
    if keys and keys[0] in ("date", "end"):
        return "write dates as 2025, 2025-05 or 2025-05-16, in quotes"
    if keys and keys[0] == "status":
        return "status is auto, reviewed or rejected"
    if keys and keys[0] == "id":
        return "the id is the file name: YYYY-MM-DD-words-with-dashes"
    if "is a required property" in message:
        return "every event has id, title, date, status and sources"
    return ""
