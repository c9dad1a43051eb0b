"""`timeline check` tells an editor every mistake at once, at the right line.

The fixture `tests/fixtures/timeline/broken/` marks each line where a problem must
be reported with `# expect: SEVERITY: message words`; the table test below holds
check to exactly those lines. The other tests spell their line numbers out.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder.check import check
from builder.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "timeline"
GOOD, BROKEN, SOURCES = FIXTURES / "good", FIXTURES / "broken", FIXTURES / "sources"
REPO = Path(__file__).parent.parent

# Problems on files that cannot carry an `# expect:` comment.
UNANNOTATED = {("2025/2025-05-19-empty.yaml", 1, "error", "empty file")}


def expectations(root: Path) -> set[tuple[str, int, str, str]]:
    expected = set(UNANNOTATED)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("latin-1")
        for number, line in enumerate(text.splitlines(), 1):
            if "# expect: " in line:
                for item in line.split("# expect: ", 1)[1].split(" ; "):
                    severity, words = item.split(": ", 1)
                    expected.add((str(path.relative_to(root)), number, severity, words.strip()))
    return expected


def found(report, root: Path) -> list[tuple[str, int, str, str]]:
    return [(str(Path(p.path).relative_to(root)), p.line, p.severity, p.message) for p in report.problems]


def test_the_fixture_timeline_passes_strict_check():
    report = check(GOOD, sources=SOURCES, strict=True)

    assert report.problems == []
    assert report.ok and report.events == 2


def test_the_committed_timeline_passes_check():
    report = check(REPO / "timeline", sources=REPO / "sources")

    assert report.ok, "\n".join(map(str, report.errors))


def test_every_mistake_is_reported_at_its_line_and_nothing_else():
    report = check(BROKEN, sources=SOURCES)

    expected = expectations(BROKEN)
    unmatched = set(expected)
    unexpected = []
    for path, line, severity, message in found(report, BROKEN):
        match = next((e for e in sorted(unmatched) if e[:3] == (path, line, severity) and e[3] in message), None)
        if match:
            unmatched.discard(match)
        else:
            unexpected.append(f"{path}:{line}: {severity}: {message}")
    assert not unexpected, "reported but not expected:\n" + "\n".join(unexpected)
    assert not unmatched, "expected but not reported:\n" + "\n".join(map(str, sorted(unmatched)))
    assert not report.ok


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


EVENT = """\
# yaml-language-server: $schema=../../builder/schema/event.schema.json
id: 2025-05-19-trump-putin-hold-phone-call
title: Trump and Putin hold phone call
date: '2025-05-19'
status: auto
actors:
- Donald Trump
sources:
- source: global-times-putin-trump-hold-phone-talks
  quote: They spoke on Monday.
"""
CALL = "2025/2025-05-19-trump-putin-hold-phone-call.yaml"


@pytest.fixture
def timeline(tmp_path: Path) -> Path:
    root = tmp_path / "timeline"
    write(root, "actors.yaml", "donald-trump:\n  name: Donald Trump\n")
    write(root, CALL, EVENT)
    return root


def messages(root: Path, strict: bool = False) -> list[str]:
    return [str(p).replace(str(root) + "/", "") for p in check(root, sources=SOURCES, strict=strict).problems]


def test_unknown_field_is_reported_at_its_own_line(timeline):
    write(timeline, CALL, EVENT.replace("status: auto\n", "status: auto\ntitel: typo\n"))

    assert messages(timeline) == [f"{CALL}:6: error: unknown field 'titel' in event "
                                  "(hint: allowed fields are listed in builder/schema/event.schema.json)"]


def test_wrong_type_and_bad_status_are_reported_together(timeline):
    write(timeline, CALL, EVENT.replace("status: auto", "status: approved").replace(
        "- Donald Trump", "- Donald Trump\nconfidence: very"))

    assert [m.split(" (hint")[0] for m in messages(timeline)] == [
        f"{CALL}:5: error: status: 'approved' is not one of ['auto', 'reviewed', 'rejected']",
        f"{CALL}:8: error: confidence: 'very' is not of type 'number'",
    ]


def test_impossible_calendar_date_points_at_the_date_line(timeline):
    write(timeline, CALL, EVENT.replace("date: '2025-05-19'", "date: '2025-02-30'"))

    assert messages(timeline)[0].startswith(f"{CALL}:4: error: date '2025-02-30' is not a real calendar date")


def test_unquoted_impossible_date_is_reported_not_a_crash(timeline):
    write(timeline, CALL, EVENT.replace("date: '2025-05-19'", "date: 2025-02-30"))

    assert messages(timeline)[0].startswith(f"{CALL}:4: error: date '2025-02-30' is not a real calendar date")


def test_end_before_date_points_at_the_end_line(timeline):
    write(timeline, CALL, EVENT.replace("status: auto", "end: '2025-05'\nstatus: auto"))
    assert messages(timeline) == []  # a month that contains the day is fine

    write(timeline, CALL, EVENT.replace("status: auto", "end: '2025-04-30'\nstatus: auto"))
    assert messages(timeline) == [f"{CALL}:5: error: end 2025-04-30 is before date 2025-05-19 "
                                  "(hint: swap them or fix the typo)"]


def test_unknown_actor_is_a_warning_and_an_error_with_strict(timeline):
    write(timeline, CALL, EVENT.replace("- Donald Trump", "- Donald Trump\n- Steve Witkoff"))

    assert messages(timeline) == [f"{CALL}:8: warning: unknown actor 'Steve Witkoff' "
                                  "(hint: add it to timeline/actors.yaml (name or alias) or fix the spelling)"]
    assert check(timeline, sources=SOURCES).ok
    assert not check(timeline, sources=SOURCES, strict=True).ok


def test_dangling_related_and_merged_references(timeline):
    write(timeline, CALL, EVENT.replace("sources:", "related:\n- 2025-05-16-talks\nmerged:\n"
                                                   f"- {Path(CALL).stem}\nsources:"))

    assert [m.split(" (hint")[0] for m in messages(timeline)] == [
        f"{CALL}:9: error: related event '2025-05-16-talks' does not exist",
        f"{CALL}:11: error: merged names the event itself",
    ]


def test_merged_id_unknown_to_the_builder_state_is_a_warning(timeline):
    write(timeline, ".builder-state.json", '{"events": {}, "deleted": {}, "merged": {"2025-05-19-b": "x"}}')
    write(timeline, CALL, EVENT.replace("sources:", "merged:\n- 2025-05-19-b\n- 2025-05-19-typo\nsources:"))

    assert [m.split(" (hint")[0] for m in messages(timeline)] == [
        f"{CALL}:10: warning: merged event '2025-05-19-typo' never existed in this timeline"]


def test_missing_source_points_at_the_source_line(timeline):
    write(timeline, CALL, EVENT.replace("- source: global-times-putin-trump-hold-phone-talks",
                                        "- source: global-times"))

    assert messages(timeline) == [f"{CALL}:9: error: source 'global-times' does not exist "
                                  "(hint: a source is an article's file name in sources/ without its extension)"]


def test_a_missing_sources_folder_is_said_not_ignored(timeline, tmp_path):
    report = check(timeline, sources=tmp_path / "nowhere")

    assert [p.message for p in report.problems] == ["no such sources folder: cited sources were not checked"]


def test_duplicate_ids_and_file_name_mismatch(timeline):
    write(timeline, "2025/2025-05-19-copy.yaml", EVENT)

    assert [m.split(" (hint")[0] for m in messages(timeline)] == [
        "2025/2025-05-19-copy.yaml:2: error: id '2025-05-19-trump-putin-hold-phone-call' does not match "
        "the file name '2025-05-19-copy.yaml'",
        "2025/2025-05-19-copy.yaml:2: error: duplicate id '2025-05-19-trump-putin-hold-phone-call', also in "
        f"{CALL}",
    ]


def test_registry_problems_point_at_the_entry(timeline):
    write(timeline, "actors.yaml", "donald-trump:\n  name: Donald Trump\n  aliases: [Trump]\n"
                                   "trump-jr:\n  name: Trump\n  kind: person\n  proposed: true\n")

    assert [m.split(" (hint")[0] for m in messages(timeline)] == [
        "actors.yaml:5: warning: 'Trump' names both 'donald-trump' and 'trump-jr'",
        "actors.yaml:7: warning: actor 'trump-jr' was proposed by the builder and awaits confirmation",
    ]


def test_a_broken_file_does_not_hide_the_problems_of_the_others(timeline):
    write(timeline, "2025/2025-05-18-broken.yaml", "id: x\ntitle: [unclosed\n")
    write(timeline, CALL, EVENT.replace("status: auto", "status: nope"))

    problems = messages(timeline)

    assert problems[0].startswith("2025/2025-05-18-broken.yaml:3: error: YAML syntax:")
    assert problems[1].startswith(f"{CALL}:5: error: status: 'nope'")


def test_a_leftover_temporary_file_is_pointed_out(timeline):
    write(timeline, "2025/.2025-05-19-x.yaml.abc123.tmp", "id: half")

    assert messages(timeline)[0].startswith("2025/.2025-05-19-x.yaml.abc123.tmp:1: warning: a temporary file")


def test_an_interrupted_extraction_is_pointed_out(timeline):
    write(timeline, ".builder-state.json", '{"events": {}, "pending": {"2025-05-19-x": {"before": null}}}')

    assert messages(timeline) == [".builder-state.json:1: warning: the last `timeline extract` was interrupted "
                                  "while writing (hint: run it again: it finishes the job; every file is whole)"]


def test_no_timeline_folder_is_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match="no such timeline folder"):
        check(tmp_path / "missing")


# --- the command -----------------------------------------------------------------

def test_check_command_prints_path_line_and_hint_and_exits_non_zero(capsys):
    code = main(["check", "--timeline", str(BROKEN), "--sources", str(SOURCES)])

    out, err = capsys.readouterr()
    assert code == 1
    assert f"{BROKEN}/2025/2025-05-12-end-before-date.yaml:4: error: end 2025-05-08 is before date 2025-05-12 " \
           "(hint: swap them or fix the typo)" in err.splitlines()
    assert len(err.splitlines()) == len(check(BROKEN, sources=SOURCES).problems)
    assert all(re.match(r"^\S+:\d+: (error|warning): ", line) for line in err.splitlines())
    assert out.startswith("check FAILED:")


def test_check_command_passes_on_a_good_timeline(capsys):
    assert main(["check", "--strict", "--timeline", str(GOOD), "--sources", str(SOURCES)]) == 0
    assert capsys.readouterr().out.startswith("check ok: 2 events")


def test_strict_turns_warnings_into_a_failing_exit_code(timeline, capsys):
    write(timeline, CALL, EVENT.replace("- Donald Trump", "- Steve Witkoff"))

    assert main(["check", "--timeline", str(timeline), "--sources", str(SOURCES)]) == 0
    assert main(["check", "--strict", "--timeline", str(timeline), "--sources", str(SOURCES)]) == 1


def test_python_m_builder_check_exits_non_zero_on_a_broken_timeline():
    run = subprocess.run([sys.executable, "-m", "builder", "check", "--timeline", str(BROKEN),
                          "--sources", str(SOURCES)], capture_output=True, text=True, cwd=REPO)

    assert run.returncode == 1
    assert "2025-05-16-syntax-error.yaml:2: error: YAML syntax" in run.stderr
    assert "Traceback" not in run.stderr


# --- continuous integration ------------------------------------------------------

WORKFLOWS = REPO / ".github" / "workflows"


def _steps(workflow: str) -> list[dict]:
    from builder.yamlio import load

    data = load(WORKFLOWS / workflow)
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def _make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", (REPO / "Makefile").read_text(), re.M))


def test_pull_requests_run_check_and_the_tests_with_the_developers_make_targets():
    from builder.yamlio import load

    workflow = load(WORKFLOWS / "check.yml")
    runs = [step["run"] for step in _steps("check.yml") if "run" in step]

    assert "pull_request" in workflow["on"]
    assert runs == ["make install", "make check", "make test"]
    assert {"install", "check", "test"} <= _make_targets()


def test_main_builds_the_site_with_make_site_and_deploys_it_to_pages():
    uses = [step.get("uses", "").split("@")[0] for step in _steps("pages.yml")]
    runs = [step["run"] for step in _steps("pages.yml") if "run" in step]
    upload = next(s for s in _steps("pages.yml") if s.get("uses", "").startswith("actions/upload-pages-artifact"))

    assert "make site" in runs and "site" in _make_targets()
    assert upload["with"]["path"] == "site"
    assert uses[-1] == "actions/deploy-pages"
