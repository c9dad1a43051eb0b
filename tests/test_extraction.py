"""Extraction as a user runs it: any folder of articles into a timeline."""
import json
import random
import shutil
from pathlib import Path


from builder import merge
from builder.cli import main
from builder.export import export
from builder.pipeline import extract, mentions_of

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"


def fresh_timeline(tmp_path: Path) -> Path:
    timeline = tmp_path / "timeline"
    timeline.mkdir(parents=True)
    for registry in ("actors.yaml", "places.yaml"):
        shutil.copy(ROOT / "timeline" / registry, timeline / registry)
    return timeline


def tree(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_same_happening_in_several_articles_is_one_event_citing_each(tmp_path):
    timeline = fresh_timeline(tmp_path)
    extract(SOURCES, timeline, jobs=1)
    events = json.loads(export(timeline, "json"))["events"]
    multi = [e for e in events if len({s["source"] for s in e["sources"]}) >= 2]
    assert len(multi) >= 4
    for e in multi:
        assert e["start"] and e["title"] and all(s["quote"] for s in e["sources"])


def test_merge_does_not_depend_on_the_order_articles_were_read(tmp_path):
    timeline = fresh_timeline(tmp_path)
    _, mentions, _ = mentions_of(SOURCES, timeline, jobs=1)
    expected = [merge.to_candidate(c) for c in merge.merge(mentions)]
    for seed in range(3):
        shuffled = list(mentions)
        random.Random(seed).shuffle(shuffled)
        assert [merge.to_candidate(c) for c in merge.merge(shuffled)] == expected


def test_one_process_and_two_give_the_same_timeline(tmp_path):
    one, two = fresh_timeline(tmp_path / "a"), fresh_timeline(tmp_path / "b")
    sources = tmp_path / "many"
    sources.mkdir()
    for i in range(3):  # enough articles for the worker pool to be used
        for path in SOURCES.glob("*.txt"):
            shutil.copy(path, sources / f"{i}-{path.name}")
    extract(sources, one, jobs=1)
    extract(sources, two, jobs=2)
    assert tree(one) == tree(two)


def test_a_second_run_changes_no_byte(tmp_path):
    timeline = fresh_timeline(tmp_path)
    extract(SOURCES, timeline, jobs=1)
    before = tree(timeline)
    summary = extract(SOURCES, timeline, jobs=1)
    assert tree(timeline) == before
    assert not summary.store.new and not summary.store.updated


def test_bad_articles_are_skipped_with_their_reason_and_the_run_goes_on(tmp_path):
    timeline = fresh_timeline(tmp_path)
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(SOURCES / "global-times-2025-05-20.txt", sources / "good.txt")
    (sources / "empty.txt").write_bytes(b"")
    (sources / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (sources / "latin1.txt").write_bytes("Caf\xe9 owners met the mayor on 3 March 2025 in Geneva.".encode("cp1252"))
    (sources / "utf16.txt").write_bytes("\ufeffThe ministers held talks in Geneva on 4 March 2025.".encode("utf-16"))
    (sources / "broken.txt").write_bytes(b"The council approved the plan on 5 March 2025.\xff\xfe\xfa here.")
    (sources / "scripts.html").write_text("<html><head><script>alert(1)</script></head><body>"
                                          + "<script>document.write('x')</script>" * 200
                                          + "<article><p>The ministers signed the treaty on 6 March 2025 in Geneva, "
                                            "officials said.</p></article></body></html>", encoding="utf-8")
    (sources / "nodates.txt").write_text("Nothing happened here at any time worth noting.\n" * 5, encoding="utf-8")
    with open(sources / "huge.txt", "wb") as f:  # 50 MB
        f.seek(50 * 1024 * 1024)
        f.write(b"\n")
    summary = extract(sources, timeline, jobs=1)
    skipped = dict(summary.skipped)
    assert any("empty" in p for p in skipped) and any("binary" in p for p in skipped)
    assert any("huge" in p for p in skipped)
    assert summary.read >= 5
    text = summary.describe()
    assert "skipped" in text and "empty.txt" in text and "huge.txt" in text
    events = json.loads(export(timeline, "json"))["events"]
    assert any(s["source"] == "good" for e in events for s in e["sources"])


def test_extraction_never_touches_an_existing_timeline_file_it_cannot_read(tmp_path):
    timeline = fresh_timeline(tmp_path)
    extract(SOURCES, timeline, jobs=1)
    victim = sorted(timeline.glob("2025/*.yaml"))[0]
    victim.write_text("id: [unclosed\n", encoding="utf-8")
    extract(SOURCES, timeline, jobs=1)
    assert victim.read_text(encoding="utf-8") == "id: [unclosed\n"


def test_the_cli_prints_a_summary_of_what_happened(tmp_path, capsys):
    timeline = fresh_timeline(tmp_path)
    assert main(["extract", "--sources", str(SOURCES), "--timeline", str(timeline), "-j", "1"]) == 0
    out = capsys.readouterr().out
    assert "articles: 5 read, 0 skipped" in out
    assert "new" in out and "flagged for review" in out


def test_a_missing_sources_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["extract", "--sources", str(tmp_path / "nope"), "--timeline", str(tmp_path / "t")]) == 1
    assert "nope" in capsys.readouterr().err


def test_an_undated_article_learns_its_date_from_another_that_dates_the_same_event(tmp_path):
    timeline = fresh_timeline(tmp_path)
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "dated.txt").write_text(
        "Ministers meet in Geneva\n\nPublished: March 5, 2025\n\n"
        "Foreign Minister Dora Delta met Prime Minister Eric Epsilon in Geneva on March 3, 2025, "
        "officials said.\n", encoding="utf-8")
    (sources / "undated.txt").write_text(
        "What the Geneva meeting means\n\n"
        "Daily newspapers on sale in Geneva, February 20, 2025.\n\n"
        "Foreign Minister Dora Delta met Prime Minister Eric Epsilon in Geneva last Monday, "
        "and both sides described the talks as frank.\n", encoding="utf-8")
    summary = extract(sources, timeline, jobs=1)
    events = json.loads(export(timeline, "json"))["events"]
    meeting = [e for e in events if e["kind"] == "meeting"]
    assert len(meeting) == 1 and meeting[0]["start"] == "2025-03-03"
    assert {s["source"] for s in meeting[0]["sources"]} == {"dated", "undated"}
    import yaml
    registry = yaml.safe_load((timeline / "sources.yaml").read_text(encoding="utf-8"))
    assert registry["undated"]["published"] == "2025-03-04"
    assert registry["undated"]["found"]["published"] == "inferred"
    assert any("re-inferred" in w for w in summary.warnings)
