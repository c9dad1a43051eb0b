"""Writing extraction results into timeline/ without touching editors' work.

The rules (README, "How re-runs treat your edits"):

* A field keeps an editor's value: the builder remembers a fingerprint of what
  it last wrote for each field (``.builder-state.json``); a field whose value no
  longer matches that fingerprint was edited and is never written again.
* Evidence is appended: new sources and quotes join an existing event; a
  source an editor removed is not added back.
* An event an editor deleted, or marked ``rejected``, never comes back; an
  event an editor folded into another (``merged: [id]``) stays folded.
* Same input, same bytes: a second run right after the first changes nothing.
* Every file is written atomically, and the state last; a lock keeps a second
  run off the same timeline.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import model
from .timeline import SCHEMA_HEADER, Timeline, load_timeline, norm_name
from .yamlio import SafeLoader, YamlError, dumps, write_atomic

STATE_FILE = ".builder-state.json"
LOCK_FILE = ".timeline.lock"


@dataclass
class Candidate:
    """One happening as extraction sees it, ready to be stored."""

    date: str
    title: str
    kind: str = ""
    end: str | None = None
    summary: str = ""
    actors: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    planned: bool = False
    confidence: float = 0.5
    review: list[str] = field(default_factory=list)
    disagreements: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # {source, quote, date_text, resolved, caption}
    mentions: list[str] = field(default_factory=list)   # stable keys of the mentions behind it

    def fields(self) -> dict:
        """The editable fields as the builder would write them."""
        out = {"title": self.title, "date": self.date}
        if self.end:
            out["end"] = self.end
        if self.kind:
            out["kind"] = self.kind
        out["status"] = "auto"
        if self.planned:
            out["planned"] = True
        out["confidence"] = round(self.confidence, 2)
        if self.summary:
            out["summary"] = self.summary
        for key in ("actors", "places", "tags", "review", "disagreements"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


@dataclass
class StoreResult:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)   # deleted or rejected by an editor
    flagged: list[str] = field(default_factory=list)      # events asking for review
    warnings: list[str] = field(default_factory=list)


def fingerprint(value) -> str:
    return hashlib.sha1(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


def source_key(item: dict) -> str:
    quote = " ".join(str(item.get("quote", "")).split()).lower()
    return f"{item.get('source', '')}#{fingerprint(quote)[:8]}"


# --- lock ------------------------------------------------------------------

class Lock:
    """An exclusive lock file in the timeline folder; a stale one (its process
    gone) is taken over."""

    def __init__(self, root: Path):
        self.path = root / LOCK_FILE

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                pid = self._holder()
                if pid and _alive(pid):
                    raise RuntimeError(f"{self.path.parent}: another run (process {pid}) is updating this timeline; "
                                       f"wait for it to finish (or delete {self.path} if that process is gone)") from None
                self.path.unlink(missing_ok=True)  # stale: its process died
                continue
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            return self
        raise RuntimeError(f"{self.path}: could not take the lock")

    def _holder(self) -> int | None:
        try:
            return int(self.path.read_text().strip() or 0)
        except (OSError, ValueError):
            return None

    def __exit__(self, *exc):
        self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- state -----------------------------------------------------------------

def load_state(root: Path) -> dict:
    path = root / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    except (OSError, ValueError) as err:
        raise RuntimeError(f"{path}: unreadable builder state ({err}); restore it from git") from None
    data.setdefault("version", 1)
    data.setdefault("events", {})
    data.setdefault("deleted", {})
    return data


def dump_state(state: dict) -> str:
    return json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


# --- surgical edits of an event file -----------------------------------------

def _blocks(text: str) -> dict[str, tuple[int, int]]:
    """Top-level key -> (first line, line after its value), 0-based."""
    root = yaml.compose(text, Loader=SafeLoader)
    out: dict[str, tuple[int, int]] = {}
    if not isinstance(root, yaml.MappingNode):
        return out
    for key, value in root.value:
        end = value.end_mark.line + (1 if value.end_mark.column > 0 else 0)
        out[key.value] = (key.start_mark.line, max(end, key.start_mark.line + 1))
    return out


def patch_event_text(text: str, updates: dict) -> str:
    """``text`` with the top-level fields in ``updates`` replaced, added (in field
    order) or removed (value None); every other line, comments included, is kept."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    blocks = _blocks(text)
    order = {k: i for i, k in enumerate(model.FIELD_ORDER)}
    # Work bottom-up so earlier line numbers stay valid.
    edits = []
    for key, value in updates.items():
        new = [] if value is None else dumps({key: value}).splitlines(keepends=True)
        if key in blocks:
            start, end = blocks[key]
            edits.append((start, end, new))
        elif new:
            later = [blocks[k][0] for k in blocks if order.get(k, 99) > order.get(key, 99)]
            at = min(later) if later else len(lines)
            edits.append((at, at, new))
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[start:end] = new
    return "".join(lines)


# --- the store -------------------------------------------------------------

def _schema_header(path: Path) -> str:
    rel = os.path.relpath(model.SCHEMA_PATH, path.parent)
    return SCHEMA_HEADER.format(rel.replace(os.sep, "/"))


def render_new_event(event: dict, path: Path) -> str:
    return dumps(model.order_event(event), header=_schema_header(path))


class Store:
    def __init__(self, root: Path):
        self.root = Path(root)

    def apply(self, candidates: list[Candidate], matcher=None) -> StoreResult:
        """Merge ``candidates`` into the timeline. ``matcher(candidate, event) -> bool``
        decides whether a candidate with no known mention is an existing event."""
        with Lock(self.root):
            return self._apply(candidates, matcher)

    def _apply(self, candidates, matcher) -> StoreResult:
        result = StoreResult()
        timeline = load_timeline(self.root)
        state = load_state(self.root)
        unreadable = {Path(p.path).resolve() for p in timeline.problems}
        for problem in timeline.problems:
            result.warnings.append(f"{problem} (file left as it is)")

        # What editors did since the last run: deletions and merges.
        merged_into = {}
        for ident, event in timeline.events.items():
            for other in event.get("merged") or []:
                merged_into[str(other)] = ident
        for ident in sorted(state["events"]):
            if ident in timeline.events:
                continue
            path = (self.root / model.event_relpath(ident)).resolve()
            if path in unreadable:
                continue
            record = state["events"].pop(ident)
            if ident in merged_into:
                target = state["events"].setdefault(merged_into[ident], {"fields": {}, "mentions": [], "sources": []})
                target["mentions"] = sorted(set(target.get("mentions", [])) | set(record.get("mentions", [])))
            else:
                state["deleted"][ident] = {"mentions": record.get("mentions", []), "date": record.get("date", "")}

        owner: dict[str, str] = {}
        for ident, record in state["events"].items():
            for m in record.get("mentions", []):
                owner[m] = merged_into.get(ident, ident)
        for ident, record in state["deleted"].items():
            for m in record.get("mentions", []):
                owner.setdefault(m, "")  # "" = deleted by an editor

        taken = set(timeline.events) | set(state["deleted"]) | set(state["events"])
        pending: dict[str, dict] = {}  # id -> updates to write
        texts: dict[str, str] = {}
        for cand in sorted(candidates, key=lambda c: (c.date, c.title, c.mentions)):
            ident = self._target(cand, owner, timeline, matcher, state)
            if ident == "":
                result.suppressed.append(cand.title)
                continue
            if ident is not None and ident in timeline.events:
                event = timeline.events[ident]
                if (self.root / model.event_relpath(ident)).resolve() in unreadable:
                    continue
                record = state["events"].setdefault(ident, {"fields": {}, "mentions": [], "sources": []})
                record["mentions"] = sorted(set(record["mentions"]) | set(cand.mentions))
                for m in cand.mentions:
                    owner[m] = ident
                if event.get("status") == "rejected":
                    result.suppressed.append(ident)
                    continue
                updates = self._updates(event, record, cand)
                if updates:
                    pending[ident] = updates
                    result.updated.append(ident)
                else:
                    result.unchanged.append(ident)
                if event.get("review") or cand.review:
                    result.flagged.append(ident)
                continue
            # A new event.
            ident = model.make_id(cand.date, cand.title, taken)
            taken.add(ident)
            event = {"id": ident, **cand.fields(), "sources": cand.sources}
            path = self.root / model.event_relpath(ident)
            texts[ident] = render_new_event(event, path)
            state["events"][ident] = {
                "date": cand.date,
                "fields": {k: fingerprint(event.get(k)) for k in model.EDITABLE_FIELDS},
                "mentions": sorted(set(cand.mentions)),
                "sources": sorted({source_key(s) for s in cand.sources}),
            }
            for m in cand.mentions:
                owner[m] = ident
            timeline.events[ident] = event
            result.new.append(ident)
            if cand.review:
                result.flagged.append(ident)

        # Event files first, the state last: a crash in between leaves files the
        # next run recognises by their mentions' quotes, never a lost edit.
        for ident, updates in sorted(pending.items()):
            path = timeline.paths[ident]
            old = path.read_text(encoding="utf-8")
            write_atomic(path, patch_event_text(old, updates))
        for ident, text in sorted(texts.items()):
            write_atomic(self.root / model.event_relpath(ident), text)
        write_atomic(self.root / STATE_FILE, dump_state(state))
        return result

    def _target(self, cand: Candidate, owner: dict, timeline: Timeline, matcher, state) -> str | None:
        votes: dict[str, int] = {}
        for m in cand.mentions:
            if m in owner:
                votes[owner[m]] = votes.get(owner[m], 0) + 1
        live = {k: v for k, v in votes.items() if k}
        if live:
            return max(sorted(live), key=lambda k: live[k])
        if votes:
            return ""  # every known mention belongs to an event an editor deleted
        if matcher is not None:
            for ident in sorted(timeline.events):
                if matcher(cand, timeline.events[ident]):
                    return ident
        return None

    def _updates(self, event: dict, record: dict, cand: Candidate) -> dict:
        """Field updates for an existing event: machine-owned fields follow the new
        extraction; edited ones stay; new sources are appended."""
        updates = {}
        written = record.setdefault("fields", {})
        new_fields = cand.fields()
        for key in model.EDITABLE_FIELDS:
            current = event.get(key)
            if key not in written or written[key] != fingerprint(current):
                continue  # an editor's value (or an event the builder never wrote)
            value = new_fields.get(key)
            if key in ("actors", "places", "tags") and current:
                value = list(current) + [v for v in (value or []) if norm_name(v) not in {norm_name(c) for c in current}]
            if value != current:
                updates[key] = value
                event[key] = value
                written[key] = fingerprint(value)
        known = set(record.setdefault("sources", []))
        present = {source_key(s) for s in event.get("sources") or [] if isinstance(s, dict)}
        additions = [s for s in cand.sources if source_key(s) not in present and source_key(s) not in known]
        if additions:
            sources = list(event.get("sources") or []) + [model.order_source(s) for s in additions]
            updates["sources"] = sources
            event["sources"] = sources
        record["sources"] = sorted(known | {source_key(s) for s in cand.sources})
        return updates


def write_registry_proposals(root: Path, registry_name: str, proposals: dict[str, dict]) -> list[str]:
    """Append proposed entries (``proposed: true``) that the registry lacks; never
    rewrite an existing entry. Returns the ids added."""
    path = root / f"{registry_name}.yaml"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        existing = yaml.load(text, Loader=SafeLoader) or {} if text else {}
    except yaml.YAMLError as err:
        raise YamlError(str(path), 0, f"cannot add proposals: {err}") from None
    known = set(existing)
    for entry in existing.values() if isinstance(existing, dict) else []:
        if isinstance(entry, dict):
            known |= {norm_name(entry.get("name", ""))} | {norm_name(a) for a in entry.get("aliases") or []}
    added = {}
    for ident, entry in sorted(proposals.items()):
        if ident in known or norm_name(entry.get("name", "")) in known:
            continue
        added[ident] = {**entry, "proposed": True}
    if not added:
        return []
    if text and not text.endswith("\n"):
        text += "\n"
    write_atomic(path, text + dumps(added))
    return sorted(added)


def write_sources_registry(root: Path, sources: dict[str, dict]) -> bool:
    """timeline/sources.yaml: machine-written metadata of every article read."""
    header = "# Written by `timeline extract` from sources/. Change an article's metadata with\n" \
             "# front matter or a NAME.meta.yaml beside it, not here.\n"
    path = root / "sources.yaml"
    existing = {}
    if path.exists():
        try:
            existing = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
        except yaml.YAMLError:
            existing = {}
    merged = {**existing, **sources} if isinstance(existing, dict) else dict(sources)
    return write_atomic(path, dumps(dict(sorted(merged.items())), header=header))


def today() -> str:
    return dt.date.today().isoformat()
