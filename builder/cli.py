"""The `timeline` command: a thin layer over the library.

Each command parses its arguments, calls one library function, turns library
errors into messages naming file and line, and sets the exit code.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .yamlio import YamlError


def cmd_extract(args: argparse.Namespace) -> int:
    """Read articles, find their dated events, merge them into the timeline.

    Example: timeline extract --sources sources --timeline timeline --jobs 2
    """
    from .pipeline import extract

    summary = extract(Path(args.sources), Path(args.timeline), jobs=args.jobs,
                      progress=not args.quiet and sys.stderr.isatty())
    print(summary.describe())
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate every YAML file of the timeline; print each problem as path:line.

    Example: timeline check --strict
    """
    from .check import check

    report = check(Path(args.timeline), sources=Path(args.sources), strict=args.strict)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(report.describe())
    return 0 if report.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    """Write the timeline as events.json, TimelineJS JSON, iCalendar, Atom or CSV.

    Example: timeline export --format json -o events.json
    """
    from .export import export

    text = export(Path(args.timeline), args.format, sources=Path(args.sources))
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        from .yamlio import write_atomic

        write_atomic(Path(args.output), text)
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    """Tag time expressions (TIMEX3) in a JSONL corpus of {"id","dct","text"} lines.

    Example: timeline tag --input docs.jsonl --output tags.jsonl
    """
    from .timex import tag_jsonl

    tag_jsonl(Path(args.input), Path(args.output) if args.output not in (None, "-") else None)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timeline", description="Turn news articles into a curated timeline website.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, func, help_):
        p = sub.add_parser(name, help=help_, description=func.__doc__,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=func)
        return p

    p = add("extract", cmd_extract, "extract dated events from articles into timeline/")
    p.add_argument("--sources", default="sources", help="folder of articles (.txt, .md, .html)")
    p.add_argument("--timeline", default="timeline", help="the timeline folder to update")
    p.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: all cores)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")

    p = add("check", cmd_check, "validate the timeline's YAML files")
    p.add_argument("--timeline", default="timeline", help="the timeline folder to check")
    p.add_argument("--sources", default="sources", help="where cited articles must exist")
    p.add_argument("--strict", action="store_true", help="treat warnings (unknown actors, ...) as errors")

    p = add("export", cmd_export, "export the timeline")
    p.add_argument("--timeline", default="timeline", help="the timeline folder to export")
    p.add_argument("--sources", default="sources", help="the articles' folder")
    p.add_argument("--format", "-f", default="json", choices=["json", "timelinejs", "ics", "atom", "csv"])
    p.add_argument("--output", "-o", help="file to write (default: standard output)")

    p = add("tag", cmd_tag, "tag time expressions in a JSONL corpus")
    p.add_argument("--input", "-i", required=True, help="JSONL: one {\"id\",\"dct\",\"text\"} per line")
    p.add_argument("--output", "-o", help="JSONL to write (default: standard output)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except YamlError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except (FileNotFoundError, NotADirectoryError, PermissionError) as err:
        print(f"error: {err.strerror}: {err.filename}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `timeline export | head`: the reader left, nothing to say
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted: files already written are complete; nothing is half-written", file=sys.stderr)
        return 130
    except RuntimeError as err:  # library errors meant for the user (lock held, bad folder, ...)
        print(f"error: {err}", file=sys.stderr)
        return 1
