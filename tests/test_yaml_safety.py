"""Bad input degrades, never crashes, and never costs an editor's file.

A broken YAML file gets a clear error naming the file and line; the other files
are still read and checked; a re-run of the store leaves the broken file and every
other file as they were; YAML is only ever safe-loaded, so a tag cannot run code.
"""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.check import check
from builder.store import Candidate, Store, write_registry_proposals, write_sources_registry
from builder.timeline import load_timeline
from builder.yamlio import YamlError, load, loads, write_atomic

PACKAGE = Path(__file__).parent.parent / "builder"
CALL = "2025-05-19-trump-putin-hold-phone-call"
TALKS = "2025-05-16-russia-ukraine-hold-direct-talks-istanbul"


def call(**changes) -> Candidate:
    fields = dict(date="2025-05-19", title="Trump and Putin hold phone call", kind="call", actors=["Donald Trump"],
                  mentions=["global-times#s3"],
                  sources=[{"source": "global-times", "quote": "Putin and Trump held a phone call on Monday."}])
    fields.update(changes)
    return Candidate(**fields)


def talks(**changes) -> Candidate:
    fields = dict(date="2025-05-16", title="Russia and Ukraine hold direct talks in Istanbul", kind="talks",
                  mentions=["newslooks#s7"],
                  sources=[{"source": "newslooks", "quote": "Delegations met in Istanbul on Friday."}])
    fields.update(changes)
    return Candidate(**fields)


MARKER = "pwned-marker"

# name -> (bytes of the broken event file, line check must name, words of the message)
BAD_FILES = {
    "syntax error": (b"id: x\ntitle: Talks: day two\n", 2, "YAML syntax"),
    "unknown field": (f"id: {CALL}\ntitle: T\ndate: '2025-05-19'\nstatus: auto\nsources: []\ntitel: T\n".encode(),
                      6, "unknown field 'titel'"),
    "wrong type": (f"id: {CALL}\ntitle: T\ndate: '2025-05-19'\nstatus: auto\nsources: a quote\n".encode(),
                   5, "'a quote' is not of type 'array'"),
    "duplicate id": (f"id: {TALKS}\ntitle: T\ndate: '2025-05-16'\nstatus: auto\nsources: []\n".encode(),
                     1, "duplicate id"),
    "python tag": (b'id: x\ntitle: !!python/object/apply:os.system ["touch ' + MARKER.encode() + b'"]\n', 2,
                   "unsafe or unknown YAML tag"),
    "python name tag": (b"id: x\ntitle: !!python/name:os.system\n", 2, "unsafe or unknown YAML tag"),
    "python new tag": (b'title: !!python/object/new:os.system ["touch ' + MARKER.encode() + b'"]\n', 1,
                       "unsafe or unknown YAML tag"),
    "empty file": (b"", 1, "empty file"),
    "not UTF-8": (b"id: x\n# a comment\ntitle: Montr\xe9al\n", 3, "not UTF-8"),
    "UTF-16": ("id: x\ntitle: Kyiv\n".encode("utf-16"), 1, "not UTF-8"),
    "billion laughs": (b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       b"c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", 1, "anchors and aliases"),
    "self-referencing alias": (b"id: x\nrelated: &r [*r]\n", 2, "anchors and aliases"),
    "deep nesting": (b"id: x\nsummary: " + b"[" * 100_000 + b"\n", 2, "nested more than"),
    "huge number": (b"id: x\nconfidence: " + b"9" * 5000 + b"\n", 2, "cannot read this int value"),
    "two documents": (b"id: x\n---\nid: y\n", 2, "more than one YAML document"),
    "a list, not a mapping": (b"- id: x\n", 1, "must be a mapping"),
    "NUL byte": (b"id: x\ntitle: a\x00b\n", 2, "YAML"),
}
BIG = "20 MB file"


def bad_bytes(name: str) -> tuple[bytes, int, str]:
    if name == BIG:
        return b"id: x\nsummary: |\n" + b"  all work and no play\n" * (20 * 1024 * 1024 // 23), 1, "MB, more than"
    return BAD_FILES[name]


ALL_BAD = [*BAD_FILES, BIG]


@pytest.fixture
def timeline(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # a tag that ran `touch` would leave its marker here
    root = tmp_path / "timeline"
    Store(root).apply([call(), talks()])
    return root


def event_path(root: Path, ident: str) -> Path:
    return root / "2025" / f"{ident}.yaml"


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", ALL_BAD)
def test_a_broken_file_gets_a_clear_error_with_file_and_line_and_the_others_are_still_checked(timeline, name):
    data, line, words = bad_bytes(name)
    broken = event_path(timeline, CALL)
    broken.write_bytes(data)
    other = event_path(timeline, TALKS)
    other.write_text(other.read_text().replace("kind: talks", "kind: talks\nend: '2025-05-01'"))

    report = check(timeline)

    mine = [(p.line, p.severity, p.message) for p in report.problems if p.path == str(broken)]
    assert any((at, severity) == (line, "error") and words in message for at, severity, message in mine), mine
    assert any(p.path == str(other) and "before date" in p.message for p in report.problems)
    assert not report.ok
    assert not Path(MARKER).exists()


@pytest.mark.parametrize("name", ALL_BAD)
def test_an_editors_file_broken_in_any_way_is_left_alone_by_a_rerun(timeline, name):
    data, _, _ = bad_bytes(name)
    event_path(timeline, CALL).write_bytes(data)
    (timeline / "2025" / "2025-05-17-broken.yaml").write_bytes(data)
    before = snapshot(timeline)

    result = Store(timeline).apply([call(), talks()])

    assert snapshot(timeline) == before  # nothing written, not even the broken files
    assert result.new == [] and result.warnings

    result = Store(timeline).apply([call(sources=[{"source": "ft", "quote": "A new quote."}]),
                                    talks(sources=[{"source": "ft", "quote": "Talks lasted two hours."}])])

    after = snapshot(timeline)
    assert after[f"2025/{CALL}.yaml"] == before[f"2025/{CALL}.yaml"]
    assert after["2025/2025-05-17-broken.yaml"] == before["2025/2025-05-17-broken.yaml"]
    assert sorted(after) == sorted(before)  # no event re-created under another name
    assert result.updated == [TALKS]  # the run went on for the readable event
    assert not Path(MARKER).exists()


UNREADABLE = [name for name in ALL_BAD if name not in ("unknown field", "wrong type", "duplicate id")]


@pytest.mark.parametrize("name", UNREADABLE)
def test_reading_the_timeline_reports_an_unreadable_file_and_keeps_the_rest(timeline, name):
    data, line, _ = bad_bytes(name)
    broken = timeline / "2025" / "2025-05-17-broken.yaml"
    broken.write_bytes(data)

    loaded = load_timeline(timeline)

    assert sorted(loaded.events) == sorted([CALL, TALKS])
    assert [(p.path, p.line or 1) for p in loaded.problems] == [(str(broken), line)]


def test_a_python_tag_runs_nothing_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "pwned"
    payloads = [f'!!python/object/apply:os.system ["touch {marker}"]',
                f'!!python/object/new:os.system ["touch {marker}"]',
                f'a: !!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
                f'? !!python/object/apply:os.system ["touch {marker}"]\n: value']
    for text in payloads:
        with pytest.raises(YamlError, match="unsafe or unknown YAML tag|key must be plain text"):
            loads(text)
        path = tmp_path / "file.yaml"
        path.write_text(text)
        with pytest.raises(YamlError):
            load(path)
    assert not marker.exists()


def _yaml_load_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "load" \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "yaml":
            yield node


def test_yaml_is_only_ever_safe_loaded_in_the_package():
    """Every `yaml.load(...)` in builder/ names a loader that is the safe one (checked on the
    real class, not by its name); nothing calls the unsafe entry points at all."""
    forbidden = re.compile(r"\byaml\.(unsafe_load|full_load|load_all|Loader|FullLoader|UnsafeLoader|CLoader|"
                           r"CFullLoader|CUnsafeLoader|BaseLoader)\b")
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        where = path.relative_to(PACKAGE.parent)
        for number, line in enumerate(source.splitlines(), 1):
            if forbidden.search(line):
                offenders.append(f"{where}:{number}: {line.strip()}")
        calls = list(_yaml_load_calls(ast.parse(source)))
        if not calls:
            continue
        module = importlib.import_module(".".join(where.with_suffix("").parts))
        for call_node in calls:
            loader = next((k.value for k in call_node.keywords if k.arg == "Loader"),
                          call_node.args[1] if len(call_node.args) > 1 else None)
            cls = eval(compile(ast.Expression(loader), str(path), "eval"), vars(module)) if loader else None
            safe = isinstance(cls, type) and issubclass(cls, yaml.constructor.SafeConstructor) \
                and not issubclass(cls, yaml.constructor.FullConstructor)
            if not safe:
                offenders.append(f"{where}:{call_node.lineno}: yaml.load with {cls!r}")
    assert not offenders, "YAML must only be safe-loaded:\n" + "\n".join(offenders)


def test_the_timeline_loader_is_libyamls_safe_loader_when_present():
    from builder.yamlio import SafeLoader

    assert issubclass(SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    assert not issubclass(SafeLoader, yaml.constructor.FullConstructor)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_data_or_a_yaml_error(text):
    try:
        loads(text, "fuzz.yaml")
    except YamlError as err:
        assert err.path == "fuzz.yaml" and err.line >= 0


YAMLISH = st.lists(st.sampled_from(list("abc019 -:,.[]{}&*!?|>'\"#%@`~\n\t\\")
                                   + ["!!python/object:", "!!binary ", "---", "<<: ", "- ", ": ", "  ", "\n  "]),
                   max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(YAMLISH)
def test_yaml_looking_text_gives_plain_data_or_a_yaml_error(text):
    try:
        data = loads(text, "fuzz.yaml")
    except YamlError:
        return
    stack = [data]
    while stack:  # only what JSON could hold: the store fingerprints it
        value = stack.pop()
        assert value is None or isinstance(value, (str, int, float, bool, list, dict)), type(value)
        if isinstance(value, dict):
            assert all(isinstance(k, str) for k in value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


@pytest.mark.parametrize("text", ["!!int", "!!float", "a: !!int", "!!bool", "- !!int\n- x", "a: \ud800",
                                  "a: " + "1" * 5000, "&a [*a]", "[" * 10_000])
def test_values_the_constructors_choke_on_give_a_yaml_error(text):
    with pytest.raises(YamlError):
        loads(text, "odd.yaml")


def test_dates_stay_the_strings_editors_wrote():
    assert loads("date: 2025-05-19\nend: 2025-02-30\n") == {"date": "2025-05-19", "end": "2025-02-30"}


def test_a_broken_registry_is_not_rewritten_by_proposals_or_sources(tmp_path):
    for name in ("actors.yaml", "sources.yaml"):
        (tmp_path / name).write_bytes(b"trump:\n  name: [unclosed\n")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    with pytest.raises(YamlError) as err:
        write_registry_proposals(tmp_path, "actors", {"keith-kellogg": {"name": "Keith Kellogg"}})
    assert err.value.path.endswith("actors.yaml") and err.value.line == 3
    with pytest.raises(YamlError):
        write_sources_registry(tmp_path, {"ft": {"title": "FT"}})

    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_registry_proposals_append_and_never_rewrite(tmp_path):
    text = "# Editors' actors\ndonald-trump:\n  name: Donald Trump  # the president\n  aliases: [Trump]\n"
    (tmp_path / "actors.yaml").write_text(text)

    added = write_registry_proposals(tmp_path, "actors", {"trump": {"name": "Trump"},
                                                           "keith-kellogg": {"name": "Keith Kellogg"}})

    assert added == ["keith-kellogg"]
    assert (tmp_path / "actors.yaml").read_text() == text + "keith-kellogg:\n  name: Keith Kellogg\n  proposed: true\n"
    assert write_registry_proposals(tmp_path, "actors", {"keith-kellogg": {"name": "Keith Kellogg"}}) == []


def test_writing_identical_text_touches_nothing(tmp_path):
    path = tmp_path / "a.yaml"
    assert write_atomic(path, "a: 1\n") is True
    mtime = path.stat().st_mtime_ns

    assert write_atomic(path, "a: 1\n") is False
    assert path.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                     st.sampled_from(["2025-02-30", "2025-05-19", "auto", "rejected", "reviewed", CALL]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["source", "quote", "date", "id"]), inner,
                                                 max_size=3)), max_leaves=6)
_EVENTS = st.dictionaries(st.sampled_from(["id", "title", "date", "end", "status", "confidence", "actors",
                                           "related", "merged", "disagreements", "sources", "notes"]),
                          _VALUES, max_size=8)


@settings(max_examples=25, deadline=None)
@given(_EVENTS)
def test_any_event_file_an_editor_could_write_is_checked_and_survived(tmp_path_factory, event):
    root = tmp_path_factory.mktemp("timeline")
    path = root / "2025" / f"{CALL}.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump({"id": CALL, **event}, allow_unicode=True), encoding="utf-8")
    (root / "actors.yaml").write_text(yaml.safe_dump({"x": event.get("actors")}), encoding="utf-8")

    check(root, strict=True)
    result = Store(root).apply([call()], matcher=lambda candidate, existing: True)

    assert list(root.glob("2025/*.yaml")) == [path]
    assert result.new == []


def test_a_word_list_in_a_data_file_that_yaml_reads_as_booleans_is_refused():
    from builder.yamlio import word_list

    data = yaml.safe_load("not_names: [The, On, No, \"Yes\"]")
    with pytest.raises(ValueError, match=r"events.yaml: not_names: \[True, False\] are not words .*quotes"):
        word_list(data, "not_names", "events.yaml")
    assert word_list(yaml.safe_load('w: [The, "On"]'), "w", "x") == ["The", "On"]


def test_the_builder_data_files_hold_no_words_that_yaml_reads_as_booleans():
    def leaves(x, path):
        if isinstance(x, dict):
            for key, value in x.items():
                yield from leaves(value, path + [str(key)])
        elif isinstance(x, list):
            for value in x:
                yield from leaves(value, path)
        else:
            yield path, x

    for name in sorted((Path(__file__).parent.parent / "builder" / "data").glob("*.yaml")):
        data = yaml.safe_load(name.read_text(encoding="utf-8"))
        odd = [(path, v) for path, v in leaves(data, []) if isinstance(v, bool) and path[-1:] != ["anaphoric"]]
        assert not odd, (name, odd)
