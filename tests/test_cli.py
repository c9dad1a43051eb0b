"""The command line is documented where users look: each command's --help carries
its purpose and a working `Example:` (as sqlite-utils' test_docs insists), and the
README's CLI reference names every command."""
from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli import build_parser, main

REPO = Path(__file__).parent.parent


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


COMMANDS = sorted(commands())


def test_the_cli_has_the_commands_the_readme_promises():
    assert {"extract", "check", "export"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_docstring_with_an_example(name):
    func = commands()[name].get_default("func")
    doc = func.__doc__ or ""

    assert doc.strip(), f"`timeline {name}` has no docstring"
    assert "Example:" in doc, f"`timeline {name}`'s docstring has no `Example:` line"
    assert doc.strip().splitlines()[0].endswith("."), "the first line is one sentence saying what it does"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_example_is_a_valid_command_line(name):
    doc = commands()[name].get_default("func").__doc__
    for line in doc.splitlines():
        if "Example:" in line:
            words = shlex.split(line.split("Example:", 1)[1])
            assert words[:2] == ["timeline", name]
            args = build_parser().parse_args(words[1:])
            assert args.func is commands()[name].get_default("func")


@pytest.mark.parametrize("name", COMMANDS)
def test_help_of_every_command_shows_its_example(name, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])

    assert exit_.value.code == 0
    assert "Example: timeline " + name in capsys.readouterr().out


def test_python_m_builder_help_lists_every_command():
    run = subprocess.run([sys.executable, "-m", "builder", "--help"], capture_output=True, text=True, cwd=REPO)

    assert run.returncode == 0
    for name in COMMANDS:
        assert name in run.stdout


def test_the_readme_cli_reference_names_every_command():
    readme = REPO / "README.md"
    if not readme.exists():
        pytest.skip("README.md is not written yet")
    text = readme.read_text(encoding="utf-8")
    assert "## Command line" in text, "README.md has no `## Command line` reference"
    reference = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in COMMANDS if f"| `{name}" not in reference and f"timeline {name}" not in reference]
    assert not missing, f"README.md's command line reference lacks: {', '.join(missing)}"


def test_a_missing_timeline_folder_is_an_error_message_not_a_traceback(tmp_path, capsys):
    code = main(["check", "--timeline", str(tmp_path / "nowhere"), "--sources", str(tmp_path)])

    assert code == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'nowhere'}: no such timeline folder\n"


def test_a_locked_timeline_is_refused_with_a_message_naming_it(tmp_path, capsys):
    from builder.store import Candidate, Lock, Store

    with Lock(tmp_path):
        with pytest.raises(RuntimeError) as err:
            Store(tmp_path).apply([Candidate(date="2025-05-19", title="A call")])
    assert str(err.value).startswith(f"{tmp_path}: another run (process ")
