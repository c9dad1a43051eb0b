"""Writing extraction results into timeline/ without touching editors' work.

The rules (README, "How re-runs treat your edits"):

* A field keeps an editor's value: the builder remembers a fingerprint of what
  it last wrote for each field (``.builder-state.json``); a field whose value no
  longer matches that fingerprint was edited and is never written again. Once an
  editor marks an event ``reviewed``, none of its fields is written again.
* Evidence is appended: new sources and quotes join an existing event; a
  source an editor removed is not added back.
* An event an editor deleted, or marked ``rejected``, never comes back; an
  event an editor folded into another (``merged: [id]``) stays folded.
* Same input, same bytes: a second run right after the first changes nothing;
  an editor's retitling or deletion is the whole diff of the next run.
* Every file is written atomically; the state notes the files in flight before
  writing them, so a run cut short is finished by the next one. A lock keeps a
  second run off the same timeline (``lock.py``).

How an event file's text is edited, line by line, is ``eventfile.py``.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import model
# LOCK_FILE, Lock and patch_event_text are also imported from here (check.py, tests).
from .eventfile import patch_event_text, render_new_event
from .lock import LOCK_FILE, Lock  # noqa: F401 (re-exported)
from .timeline import Timeline, event_files, load_timeline, norm_name
from .yamlio import YamlError, dumps, loads, read_text, write_atomic

STATE_FILE = ".builder-state.json"


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


# --- state -----------------------------------------------------------------
#
# .builder-state.json, committed with the timeline:
#   events:  id -> {fields: {field: fingerprint of what the builder last wrote},
#                   last: {title, date, kind, actors, places as the builder last wrote them},
#                   mentions: [keys of the mentions that lead to it],
#                   sources: [keys of every source the builder ever gave it]}
#   merged:  id -> id of the event an editor merged it into (once its file is gone)
#   pending: only while a run writes files (see Store._write); its presence means a run was cut short
#
# An event stays in `events` for good: when its file is gone an editor deleted it
# (or merged it, when another event lists it in `merged`). That is read from the
# files on every run, so an editor's deletion or retitling changes nothing here.

def load_state(root: Path) -> dict:
    path = root / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    except (OSError, ValueError) as err:
        raise RuntimeError(f"{path}: unreadable builder state ({err}); restore it from git") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k, {}), dict) for k in ("events", "pending")) \
            or not all(isinstance(r, dict) for r in data.get("events", {}).values()):
        raise RuntimeError(f"{path}: not a builder state file; restore it from git")
    data.setdefault("version", 1)
    data.setdefault("events", {})
    for ident, record in (data.pop("deleted", None) or {}).items():  # the first format kept tombstones apart
        if isinstance(record, dict):
            data["events"].setdefault(ident, {"fields": {}, "mentions": record.get("mentions", []), "sources": []})
    return data


def dump_state(state: dict) -> str:
    return json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _new_record() -> dict:
    return {"fields": {}, "mentions": [], "sources": []}


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


# --- the store -------------------------------------------------------------

def _candidate_key(cand: Candidate) -> tuple:
    """A total order of candidates, so that their order in the input does not matter."""
    return (cand.date, cand.title, sorted(cand.mentions), json.dumps(asdict(cand), sort_keys=True, default=str))


class Store:
    """The timeline folder as the builder writes it. ``apply`` is the only writer."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._holding = False

    @contextmanager
    def locked(self):
        """Hold the timeline across several steps of one run, e.g. ``apply`` and then
        ``write_registry_proposals``: ``with Store(root).locked() as store: ...``."""
        with Lock(self.root):
            self._holding = True
            try:
                yield self
            finally:
                self._holding = False

    def apply(self, candidates: list[Candidate], matcher=None) -> StoreResult:
        """Merge ``candidates`` into the timeline. ``matcher(candidate, event) -> bool``
        decides whether a candidate with no known mention is an existing event.
        Raises RuntimeError when another run holds the timeline."""
        if self._holding:
            return self._apply(list(candidates), matcher)
        with Lock(self.root):
            return self._apply(list(candidates), matcher)

    # The run, step by step --------------------------------------------------

    def _apply(self, candidates: list[Candidate], matcher) -> StoreResult:
        result = StoreResult()
        self.result = result
        timeline = load_timeline(self.root)
        state = load_state(self.root)
        self._read_events(timeline)
        self._recover(state)
        self._notice_editors(state)
        self._route_table(state)
        self._before = copy.deepcopy(state["events"])
        self._matcher = matcher
        self._state = state

        self.pending: dict[str, dict] = {}   # existing event -> field updates
        self.created: set[str] = set()
        for cand in sorted(candidates, key=_candidate_key):
            self._one(cand, state)
        self._write(state)
        return result

    def _read_events(self, timeline: Timeline) -> None:
        """Events by file name. A file that cannot be read, breaks the schema or whose id
        is not its file name is `held`: never written, never taken for deleted."""
        self.events: dict[str, dict] = {}
        self.paths: dict[str, Path] = {}
        self.invalid: dict[str, dict] = {}  # readable, but to be fixed by an editor first
        for problem in timeline.problems:
            self.result.warnings.append(f"{problem} (file left as it is)")
        for ident, path in sorted(timeline.paths.items()):
            event = timeline.events[ident]
            errors = model.schema_errors(event)
            if event.get("id") != path.stem:
                errors.append(((), f"id {event.get('id')!r} is not the file name"))
            if errors:
                self.result.warnings.append(f"{path}: {errors[0][1]}; file left as it is until `timeline check` passes")
                self.invalid[path.stem] = event
                continue
            self.events[path.stem] = event
            self.paths[path.stem] = path
        files = event_files(self.root)
        self.on_disk = {p.stem for p in files}
        self.held = self.on_disk - set(self.events)
        for path in files:
            self.paths.setdefault(path.stem, path)

    def _path(self, ident: str) -> Path:
        return self.paths.get(ident) or self.root / model.event_relpath(ident)

    def _recover(self, state: dict) -> None:
        """Finish the books of a run that was cut short while writing files: a file it
        did not get to write keeps the builder's record from before that run."""
        pending = state.pop("pending", None) or {}
        for ident, entry in sorted(pending.items()):
            path = self._path(ident)
            try:
                written = _sha(path.read_text(encoding="utf-8")) == entry.get("sha")
            except (OSError, UnicodeDecodeError):
                written = False
            if written:
                continue
            before = entry.get("before")
            if before is None:
                state["events"].pop(ident, None)  # a new event whose file never got written
            else:
                state["events"][ident] = before

    def _notice_editors(self, state: dict) -> None:
        """What editors did, read from the files on every run (so that their pull
        request is the whole diff: the state does not change when they delete or merge).
        An event whose file is gone was deleted, unless another event lists it in
        ``merged``: then its evidence goes there."""
        self.merged_into: dict[str, str] = {}
        for ident, event in sorted(self.events.items()):
            for other in event.get("merged") or []:
                if other != ident:
                    self.merged_into.setdefault(other, ident)
        # A merge is remembered once the merged file is gone, so that it holds when the
        # event it went into is itself merged away later (B into A, then A into C).
        self.merged = state.setdefault("merged", {})
        for ident in sorted(state["events"]):
            if ident not in self.on_disk and ident in self.merged_into:
                self.merged[ident] = self.merged_into[ident]
        self.deleted = {ident for ident in state["events"]
                        if ident not in self.on_disk and self._resolve(ident) not in self.events}

    def _resolve(self, ident: str) -> str:
        """Where an id's evidence goes now, following editors' merges."""
        seen = set()
        while ident not in seen:
            seen.add(ident)
            nxt = self.merged_into.get(ident)
            if nxt is None and ident not in self.events:
                nxt = self.merged.get(ident)
            if nxt is None:
                break
            ident = nxt
        return ident

    def _route_table(self, state: dict) -> None:
        self.owner: dict[str, str] = {}
        for ident, record in sorted(state["events"].items()):
            for m in record.get("mentions", []):
                self.owner.setdefault(m, ident)
        self.taken = self.on_disk | set(state["events"]) | set(self.merged_into) | set(self.merged)
        self.merged_from: dict[str, list[str]] = {}
        for ident in sorted(state["events"]):
            target = self._resolve(ident)
            if ident not in self.on_disk and target != ident and target in self.events:
                self.merged_from.setdefault(target, []).append(ident)

    def _target(self, cand: Candidate, state: dict, matcher) -> str | None:
        """The event ``cand`` belongs to; "" when an editor deleted it; None when new."""
        votes: dict[str, int] = {}
        buried = False
        for m in cand.mentions:
            if m in self.owner:
                target = self._resolve(self.owner[m])
                if target in self.deleted:
                    buried = True
                else:
                    votes[target] = votes.get(target, 0) + 1
        if votes:
            return max(sorted(votes), key=lambda k: votes[k])
        if buried:
            return ""
        if matcher is None:
            return None
        for ident in sorted(self.events):
            if ident not in self.merged_into and matcher(cand, self.events[ident]):
                return ident
        for ident in sorted(self.invalid):  # its evidence waits until an editor fixes it
            if matcher(cand, self.invalid[ident]):
                return ident
        for ident in sorted(self.deleted):  # what the builder last wrote there
            last = state["events"][ident].get("last")
            if last and matcher(cand, {"id": ident, **last, "status": "deleted"}):
                return ""
        return None

    def _claim(self, ident: str, mentions: list[str], state: dict) -> None:
        """Mentions no event owns yet now lead to ``ident``; owned ones keep their event."""
        record = state["events"][ident]
        new = [m for m in mentions if m not in self.owner]
        for m in new:
            self.owner[m] = ident
        if new:
            record["mentions"] = sorted(set(record.get("mentions", [])) | set(new))

    def _known_sources(self, ident: str, state: dict) -> set[str]:
        """Sources the builder ever gave this event, or an event merged into it: the
        ones missing from the file are ones an editor removed (or left out of a merge)."""
        known = set(state["events"].get(ident, {}).get("sources", []))
        for other in self.merged_from.get(ident, ()):
            known |= set(state["events"][other].get("sources", []))
        return known

    def _one(self, cand: Candidate, state: dict) -> None:
        result = self.result
        if not model.parse_iso(cand.date) or (cand.end and not model.parse_iso(cand.end)):
            result.warnings.append(f"candidate {cand.title!r}: {cand.date!r} is not an ISO date; skipped")
            return
        ident = self._target(cand, state, matcher=self._matcher)
        if ident == "":
            result.suppressed.append(cand.title)
            return
        if ident is not None:
            if ident not in self.events:
                result.warnings.append(f"{self._path(ident)}: left as it is until `timeline check` passes; "
                                       f"new evidence for it ({cand.title!r}) waits for a later run")
                return
            event = self.events[ident]
            record = state["events"].setdefault(ident, _new_record())
            self._claim(ident, cand.mentions, state)
            if event.get("status") == "rejected":
                result.suppressed.append(ident)
                return
            updates = self._updates(event, record, cand)
            if ident in self.created:
                pass  # a new event: written whole at the end
            elif updates:
                self.pending.setdefault(ident, {}).update(updates)
                _add_once(result.updated, ident)
            elif ident not in self.pending:
                _add_once(result.unchanged, ident)
            if event.get("review") or cand.review:
                _add_once(result.flagged, ident)
            return
        ident = model.make_id(cand.date, cand.title, self.taken)
        self.taken.add(ident)
        event = {"id": ident, **cand.fields(), "sources": _unique_sources(cand.sources)}
        state["events"][ident] = {
            "fields": {k: fingerprint(event.get(k)) for k in model.EDITABLE_FIELDS},
            "last": _last(event),
            "mentions": [],
            "sources": sorted({source_key(s) for s in event["sources"]}),
        }
        self._claim(ident, cand.mentions, state)
        self.events[ident] = event
        self.created.add(ident)
        result.new.append(ident)
        if cand.review:
            result.flagged.append(ident)

    def _updates(self, event: dict, record: dict, cand: Candidate) -> dict:
        """Field updates for an existing event: machine-owned fields follow the new
        extraction; edited ones stay; new sources are appended."""
        updates = {}
        written = record.setdefault("fields", {})
        new_fields = cand.fields()
        # An event an editor marked reviewed is theirs as it stands: only evidence joins it.
        editable = () if event.get("status") == "reviewed" else model.EDITABLE_FIELDS
        for key in editable:
            current = event.get(key)
            if key not in written or written[key] != fingerprint(current):
                continue  # an editor's value (or an event the builder never wrote)
            value = new_fields.get(key)
            if value is None:
                continue  # an article that does not say is no reason to drop what another said
            if key in ("actors", "places", "tags") and current:
                seen = {norm_name(c) for c in current}
                value = list(current) + [v for v in (value or []) if norm_name(v) not in seen]
            if value != current:
                updates[key] = value
                event[key] = value
                written[key] = fingerprint(value)
        known = set(record.get("sources", [])) | self._known_sources(event["id"], self._state)
        sources = event.get("sources") if isinstance(event.get("sources"), list) else []
        present = {source_key(s) for s in sources if isinstance(s, dict)}
        additions = [s for s in _unique_sources(cand.sources) if source_key(s) not in present | known]
        if additions:
            event["sources"] = list(sources) + additions
            updates["sources"] = event["sources"]
        # Remember what this event got from the builder (not what came with a merge).
        given = {source_key(s) for s in additions} | ({source_key(s) for s in cand.sources} & present)
        record["sources"] = sorted(set(record.get("sources", [])) | (given - (known - set(record.get("sources", [])))))
        if any(key in updates for key in LAST_FIELDS) and "last" in record:
            record["last"] = _last(event)
        return updates

    def _write(self, state: dict) -> None:
        """Event files, then the state. Before the files, a state that also remembers
        what each file held is written (``pending``): should the run be cut short,
        the next one knows which files changed and which did not."""
        texts: dict[Path, str] = {}
        before: dict[str, dict | None] = {}
        for ident, updates in sorted(self.pending.items()):
            path = self.paths[ident]
            old = path.read_text(encoding="utf-8")
            new = patch_event_text(old, updates)
            if new != old:
                texts[path] = new
                before[ident] = self._before.get(ident)
            else:  # two candidates undid each other's change
                self.result.updated.remove(ident)
                _add_once(self.result.unchanged, ident)
        for ident in sorted(self.created):
            path = self.root / model.event_relpath(ident)
            texts[path] = render_new_event(self.events[ident], path)
            before[ident] = None
        if not state.get("merged"):
            state.pop("merged", None)
        state_path = self.root / STATE_FILE
        if texts:
            journal = dict(state, pending={
                ident: {"before": before[ident], "sha": _sha(texts[self._path(ident)])} for ident in sorted(before)})
            write_atomic(state_path, dump_state(journal))
            for path, text in sorted(texts.items()):
                write_atomic(path, text)
        write_atomic(state_path, dump_state(state))


LAST_FIELDS = ("title", "date", "kind", "actors", "places")


def _last(event: dict) -> dict:
    """What the builder wrote of the fields a matcher compares: kept so that a deleted
    event still recognises new evidence about it (and is not re-created from it)."""
    return {k: event[k] for k in LAST_FIELDS if event.get(k) is not None}


def _add_once(items: list, value) -> None:
    if value not in items:
        items.append(value)


def _unique_sources(sources: list[dict]) -> list[dict]:
    out, seen = [], set()
    for item in sources:
        key = source_key(item)
        if key not in seen:
            seen.add(key)
            out.append(model.order_source(item))
    return out


def write_registry_proposals(root: Path, registry_name: str, proposals: dict[str, dict]) -> list[str]:
    """Append proposed entries (``proposed: true``) that the registry lacks; never
    rewrite an existing entry. Returns the ids added. A registry that cannot be
    read raises YamlError and is left as it is."""
    path = root / f"{registry_name}.yaml"
    text = read_text(path) if path.exists() else ""
    existing = loads(text, str(path)) if text else None
    if existing is None:
        existing = {}
    if not isinstance(existing, dict):
        raise YamlError(str(path), 1, "expected a mapping of id -> entry; proposals not added",
                        "see the editor's guide in README.md")
    known = {norm_name(ident) for ident in existing}
    for entry in existing.values():
        if isinstance(entry, str):
            known.add(norm_name(entry))
        elif isinstance(entry, dict):
            aliases = entry.get("aliases") or []
            known |= {norm_name(str(entry.get("name", "")))}
            known |= {norm_name(str(a)) for a in (aliases if isinstance(aliases, list) else [aliases])}
    known.discard("")
    added = {}
    for ident, entry in sorted(proposals.items()):
        names = {norm_name(ident), norm_name(str(entry.get("name", "")))} - {""}
        if ident in existing or names & known:
            continue
        added[ident] = {**entry, "proposed": True}
        known |= names
    if not added:
        return []
    if text and not text.endswith("\n"):
        text += "\n"
    write_atomic(path, text + dumps(added))
    return sorted(added)


def write_sources_registry(root: Path, sources: dict[str, dict]) -> bool:
    """timeline/sources.yaml: machine-written metadata of every article read. A file
    that cannot be read raises YamlError and is left as it is."""
    header = "# Written by `timeline extract` from sources/. Change an article's metadata with\n" \
             "# front matter or a NAME.meta.yaml beside it, not here.\n"
    path = root / "sources.yaml"
    existing = loads(read_text(path), str(path)) if path.exists() else None
    if existing is None:
        existing = {}
    if not isinstance(existing, dict):
        raise YamlError(str(path), 1, "expected a mapping of source id -> metadata; not rewritten",
                        "delete the file: the next `timeline extract` writes it again")
    merged = {**existing, **sources}
    return write_atomic(path, dumps(dict(sorted(merged.items())), header=header))


def today() -> str:
    return dt.date.today().isoformat()
