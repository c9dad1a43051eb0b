"""`timeline check`: validate every YAML file of the timeline and report every
problem at once, as ``path:line: message (hint: ...)``.

Errors break the timeline (bad YAML, schema, duplicate ids, impossible dates,
dangling references, missing sources). Warnings are worth an editor's look
(unknown actors or places, proposed registry entries); ``--strict`` makes them
errors.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import model
from .timeline import event_files, load_event, load_registry
from .yamlio import YamlError, line_of, read_text


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
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        warnings = len(self.problems) - len([p for p in self.problems if p.severity == "error"])
        status = "ok" if self.ok else "FAILED"
        return (f"check {status}: {self.events} events in {self.files} files, "
                f"{len(self.problems) - warnings} errors, {warnings} warnings")


def _from_yaml_error(err: YamlError) -> Problem:
    return Problem(err.path, err.line or 1, err.message, err.hint)


def check(root: Path, sources: Path | None = None, strict: bool = False) -> Report:
    root = Path(root)
    report = Report(strict=strict)
    if not root.is_dir():
        raise RuntimeError(f"{root}: no such timeline folder")
    add = report.problems.append

    registries = {}
    for name in ("actors", "places"):
        problems: list[YamlError] = []
        registries[name] = load_registry(root / f"{name}.yaml", problems)
        report.problems.extend(_from_yaml_error(p) for p in problems)
        if (root / f"{name}.yaml").exists():
            report.files += 1
            text = (root / f"{name}.yaml").read_text(encoding="utf-8", errors="replace")
            for ident, entry in registries[name].items():
                if not entry.get("name"):
                    add(Problem(str(root / f"{name}.yaml"), line_of(text, (ident,)), f"{name[:-1]} {ident!r} has no name",
                                "add `name: ...`"))
                if entry.get("proposed"):
                    add(Problem(str(root / f"{name}.yaml"), line_of(text, (ident, "proposed")),
                                f"{name[:-1]} {ident!r} was proposed by the builder and awaits confirmation",
                                "check it, then delete the `proposed: true` line (or delete the entry)", "warning"))
    known = {name: _names(entries) for name, entries in registries.items()}

    source_ids = set()
    if sources is not None and Path(sources).is_dir():
        source_ids = {p.stem for p in Path(sources).iterdir() if p.is_file() and not p.name.endswith(".meta.yaml")}
    sources_yaml_problems: list[YamlError] = []
    source_ids |= set(load_registry(root / "sources.yaml", sources_yaml_problems))
    report.problems.extend(_from_yaml_error(p) for p in sources_yaml_problems)

    events: dict[str, tuple[Path, dict, str]] = {}
    for path in event_files(root):
        report.files += 1
        try:
            text = read_text(path)
            event = load_event(path)
        except YamlError as err:
            add(_from_yaml_error(err))
            continue
        ident = event.get("id")
        where = str(path)
        for keys, message in model.schema_errors(event):
            add(Problem(where, line_of(text, keys), message, _hint(keys, message)))
        if isinstance(ident, str):
            if ident != path.stem:
                add(Problem(where, line_of(text, ("id",)), f"id {ident!r} does not match the file name {path.name!r}",
                            "ids never change: rename the file back, or restore the id"))
            if ident in events:
                add(Problem(where, line_of(text, ("id",)), f"duplicate id {ident!r}, also in {events[ident][0]}",
                            "each event needs its own id"))
                continue
            if path.parent.name != ident[:4]:
                add(Problem(where, 1, f"event {ident!r} is filed under {path.parent.name}/", f"move it to {ident[:4]}/"))
            events[ident] = (path, event, text)
        for key in ("date", "end"):
            value = event.get(key)
            if isinstance(value, str) and model.ISO_DATE.match(value) and not model.parse_iso(value):
                add(Problem(where, line_of(text, (key,)), f"{key} {value!r} is not a real calendar date",
                            "check the month's length"))
        start, end = model.first_day(str(event.get("date", ""))), model.last_day(str(event.get("end", "")))
        if start and end and end < start:
            add(Problem(where, line_of(text, ("end",)), f"end {event['end']} is before date {event['date']}",
                        "swap them or fix the typo"))
        for kind in ("actors", "places"):
            for i, name in enumerate(event.get(kind) or []):
                if isinstance(name, str) and name.strip() and _norm(name) not in known[kind]:
                    add(Problem(where, line_of(text, (kind, i)), f"unknown {kind[:-1]} {name!r}",
                                f"add it to timeline/{kind}.yaml (name or alias) or fix the spelling", "warning"))
        for i, item in enumerate(event.get("sources") or []):
            if isinstance(item, dict) and source_ids and str(item.get("source")) not in source_ids:
                add(Problem(where, line_of(text, ("sources", i, "source")), f"source {item.get('source')!r} does not exist",
                            "a source is an article's file name in sources/ without its extension"))
    report.events = len(events)

    for ident, (path, event, text) in events.items():
        for key in ("related", "merged"):
            for i, other in enumerate(event.get(key) or []):
                if other == ident:
                    add(Problem(str(path), line_of(text, (key, i)), f"{key} names the event itself"))
                elif key == "related" and other not in events:
                    add(Problem(str(path), line_of(text, (key, i)), f"related event {other!r} does not exist",
                                "use the id (file name) of an existing event"))
                elif key == "merged" and other in events:
                    add(Problem(str(path), line_of(text, (key, i)), f"{other!r} is merged into this event but still exists",
                                f"delete {events[other][0]} once its sources are here"))
    return report


def _norm(name: str) -> str:
    from .timeline import norm_name

    return norm_name(name)


def _names(entries: dict[str, dict]) -> set[str]:
    out = set()
    for ident, entry in entries.items():
        out |= {_norm(ident), _norm(entry.get("name", ""))} | {_norm(a) for a in entry.get("aliases") or []}
    return out


def _hint(keys: tuple, message: str) -> str:
    if message.startswith("unknown field"):
        return "allowed fields are listed in builder/schema/event.schema.json"
    if keys and keys[0] in ("date", "end"):
        return "write dates as 2025, 2025-05 or 2025-05-16, in quotes"
    if keys and keys[0] == "status":
        return "status is auto, reviewed or rejected"
    return ""
