"""The whole extraction, one article at a time, then the merge:

    read (sources) -> find the story (story) -> anchor date (anchor)
    -> dated sentences to mentions (events)    ... each article on its own
    -> merge across articles (merge) -> store into timeline/ (store)

Articles are processed independently (in worker processes with ``jobs``) and
streamed: only their mentions stay in memory, never their texts.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import anchor as anchors
from . import events, merge, sources, story, timex
from .store import Store, StoreResult, load_state, write_registry_proposals, write_sources_registry
from .timeline import Registry, event_files, load_registry
from .yamlio import YamlError


@dataclass
class ArticleResult:
    """What one article yields: picklable, small, no article text."""

    id: str
    path: str
    meta: dict = field(default_factory=dict)
    mentions: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    skipped: str = ""
    anchor: str = ""
    anchor_how: str = ""


@dataclass
class Summary:
    read: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mentions: int = 0
    store: StoreResult = field(default_factory=StoreResult)
    proposed_actors: list[str] = field(default_factory=list)
    inferred: dict[str, str] = field(default_factory=dict)  # article id -> path, for those with a guessed date

    def describe(self) -> str:
        s = self.store
        lines = [f"articles: {self.read} read, {len(self.skipped)} skipped; {self.mentions} event mentions",
                 f"events: {len(s.new)} new, {len(s.updated)} updated, {len(s.unchanged)} unchanged, "
                 f"{len(s.suppressed)} left out (deleted or rejected by editors), "
                 f"{len(set(s.flagged))} flagged for review"]
        for path, reason in self.skipped:
            lines.append(f"  skipped {path}: {reason}")
        for warning in self.warnings + s.warnings:
            lines.append(f"  warning: {warning}")
        if self.proposed_actors:
            lines.append(f"  proposed actors (confirm in actors.yaml): {', '.join(self.proposed_actors)}")
        return "\n".join(lines)


# --- one article --------------------------------------------------------------

GAZETTEER = Path(__file__).parent / "data" / "gazetteer.yaml"
_WORKER: dict = {}  # per process: the registries' gazetteers and the event knowledge


def known_actors(root: Path, problems: list) -> dict[str, dict]:
    """The timeline's actors, then the bundled gazetteer's countries and bodies it
    does not name (its own entries win: they come first)."""
    own = load_registry(root / "actors.yaml", problems)
    general = load_registry(GAZETTEER, problems)
    return {**own, **{k: v for k, v in general.items() if k not in own}}


def _init_worker(timeline_dir: str) -> None:
    problems: list[YamlError] = []
    root = Path(timeline_dir)
    actors = Registry(known_actors(root, problems))
    places = Registry(load_registry(root / "places.yaml", problems))
    _WORKER.update(actors=events.Gazetteer.build(actors), places=events.Gazetteer.build(places),
                   kb=events.knowledge(), problems=[str(p) for p in problems])


def process_article(path: str, anchor: anchors.Anchor | None = None) -> ArticleResult:
    """Read one article and find its event mentions; never raises. ``anchor``
    overrides the article's own publication date (see ``reanchor``)."""
    result = ArticleResult(id=Path(path).stem, path=path)
    try:
        article = sources.read_article(Path(path))
    except sources.ArticleError as err:
        result.skipped = str(err)
        return result
    except Exception as err:  # one broken article must not stop the run
        result.skipped = f"{path}: could not be read ({type(err).__name__}: {err})"
        return result
    result.id = article.id
    result.warnings = [f"{path}: {w}" if not w.startswith(str(path)) else w for w in article.warnings]
    result.meta = {k: {"value": v.value, "how": v.how} for k, v in article.meta.items()}
    try:
        found = story.find_story(article)
        published = article.meta.get("published")
        tag = timex.Tagger()  # the blocks may be tagged twice: to infer the date, then against it
        anchor = anchor or (anchors.from_published(published.value, published.how) if published else None) \
            or anchors.infer(found.blocks, tag)
        result.anchor, result.anchor_how = (anchor.date.isoformat() if anchor.date else ""), anchor.how
        if anchor.how == "inferred":
            result.meta["published"] = {"value": anchor.date.isoformat(), "how": "inferred"}
        ctx = events.Context(source=article.id, anchor=anchor.date, anchor_how=anchor.how,
                             actors=_WORKER["actors"], places=_WORKER["places"], kb=_WORKER["kb"])
        result.mentions = events.detect(found.blocks, ctx, tag)
        if not result.mentions:
            result.warnings.append(f"{path}: no dated events found")
        if found.headline and "title" not in result.meta:
            result.meta["title"] = {"value": found.headline, "how": "detected"}
    except Exception as err:
        result.skipped = f"{path}: extraction failed ({type(err).__name__}: {err})"
        result.mentions = []
    return result


def iter_results(paths: list[Path], timeline_dir: Path, jobs: int):
    """Results in the order of ``paths``, computed with ``jobs`` processes."""
    names = [str(p) for p in paths]
    if jobs <= 1 or len(names) < 4:
        _init_worker(str(timeline_dir))
        yield from map(process_article, names)
        return
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(str(timeline_dir),)) as pool:
        yield from pool.imap(process_article, names, chunksize=8)


def mentions_of(source_dir: Path, timeline_dir: Path, jobs: int = 0, progress: bool = False):
    """(summary, mentions, source metadata) of every article in ``source_dir``."""
    source_dir, timeline_dir = Path(source_dir), Path(timeline_dir)
    if not source_dir.is_dir():
        raise RuntimeError(f"{source_dir}: no such folder of articles")
    paths = sources.find_sources(source_dir)
    jobs = jobs or os.cpu_count() or 1
    summary = Summary()
    mentions: list = []
    metadata: dict[str, dict] = {}
    results = iter_results(paths, timeline_dir, jobs)
    if progress and len(paths) > 20:
        from tqdm import tqdm

        results = tqdm(results, total=len(paths), unit="article", file=sys.stderr)
    for result in results:
        if result.skipped:
            summary.skipped.append((result.path, result.skipped.split(": ", 1)[-1]))
            continue
        summary.read += 1
        summary.warnings.extend(result.warnings)
        mentions.extend(result.mentions)
        metadata[result.id] = _source_entry(result, source_dir)
        if result.anchor_how == "inferred":
            summary.inferred[result.id] = result.path
    summary.mentions = len(mentions)
    return summary, mentions, metadata


def _source_entry(result: ArticleResult, source_dir: Path) -> dict:
    entry = {}
    for key in ("title", "publisher", "author", "url", "published", "language"):
        if key in result.meta:
            entry[key] = result.meta[key]["value"]
    entry["found"] = {k: v["how"] for k, v in sorted(result.meta.items())}
    try:
        entry["path"] = str(Path(result.path).resolve().relative_to(source_dir.resolve().parent))
    except ValueError:
        entry["path"] = result.path
    return entry


def reanchor(clusters, inferred: dict[str, str]) -> dict[str, anchors.Anchor]:
    """Better anchors for articles whose publication date was guessed: where such
    an article dates an event relative to its guess ("last Friday") and another
    article gives that event's date in full, the difference is the guess's error.
    Only a correction every such event agrees on, within two months, is taken."""
    shifts: dict[str, set[int]] = {}
    for cluster in clusters:
        best = cluster.best
        if best.certainty not in ("explicit", "anchored") or best.precision != "day":
            continue
        for m in cluster.mentions:
            if m.source in inferred and m.source != best.source and m.certainty == "inferred" \
                    and m.precision == "day" and m.date:
                shift = (dt.date.fromisoformat(best.date) - dt.date.fromisoformat(m.date)).days
                shifts.setdefault(m.source, set()).add(shift)
    out = {}
    for source, found in shifts.items():
        if len(found) == 1 and 0 < abs(next(iter(found))) <= 62:
            days = next(iter(found))
            out[source] = days
    return {source: _shifted(source, days, clusters) for source, days in out.items()}


def _shifted(source: str, days: int, clusters) -> anchors.Anchor:
    guess = next(m.anchor for c in clusters for m in c.mentions if m.source == source and m.anchor)
    return anchors.Anchor(dt.date.fromisoformat(guess) + dt.timedelta(days=days), "inferred",
                          f"publication date re-inferred: another article dates an event it names {days:+d} days "
                          f"from the first guess ({guess})")


def extract(source_dir: Path, timeline_dir: Path, jobs: int = 0, progress: bool = False) -> Summary:
    """Extract every article of ``source_dir`` into the timeline at ``timeline_dir``."""
    timeline_dir = Path(timeline_dir)
    timeline_dir.mkdir(parents=True, exist_ok=True)
    summary, mentions, metadata = mentions_of(source_dir, timeline_dir, jobs, progress)
    clusters = merge.merge(mentions)
    moved = reanchor(clusters, summary.inferred)
    if moved:  # articles whose guessed date another article corrected: read them again, merge again
        if not _WORKER:
            _init_worker(str(timeline_dir))
        for source, anchor in sorted(moved.items()):
            result = process_article(summary.inferred[source], anchor)
            if not result.skipped:
                mentions = [m for m in mentions if m.source != source] + result.mentions
                metadata[source] = _source_entry(result, Path(source_dir))
                summary.warnings.append(f"{summary.inferred[source]}: {anchor.reason}")
        summary.mentions = len(mentions)
        clusters = merge.merge(mentions)
    candidates = [merge.to_candidate(c) for c in clusters]
    # Similarity may tie a candidate to an event of an earlier run (or an editor's
    # own), never to one this run creates: the merge already kept those apart.
    earlier = {p.stem for p in event_files(timeline_dir)} | set(load_state(timeline_dir)["events"])
    proposals: dict[str, dict] = {}
    for m in mentions:
        proposals.update(m.proposals)
    used = {a for c in candidates for a in c.actors}
    proposals = {k: v for k, v in proposals.items() if v["name"] in used}
    own = load_registry(timeline_dir / "actors.yaml", [])
    for ident, entry in load_registry(GAZETTEER, []).items():  # countries the editors' registry lacks
        if ident not in own and entry["name"] in used:
            proposals[ident] = entry
    with Store(timeline_dir).locked() as store:  # events, proposals and sources: one run, one lock
        summary.store = store.apply(candidates, matcher=lambda cand, event: event.get("id") in earlier
                                    and merge.matcher(cand, event))
        summary.proposed_actors = write_registry_proposals(timeline_dir, "actors", proposals)
        write_sources_registry(timeline_dir, metadata)
    return summary
