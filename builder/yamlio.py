"""Reading and writing YAML safely: safe loader only, errors with file and line,
deterministic output, atomic writes.

Every YAML file of the timeline goes through here. Nothing else in the builder
calls ``yaml.load`` or writes a timeline file directly.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# LibYAML's safe loader is about ten times faster than the pure-Python one.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLoader(_BaseLoader):
    """The safe loader, keeping dates as the strings editors wrote ("2025-05-16"),
    so that an impossible date is reported by `check`, not a crash."""


SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

MAX_BYTES = 2 * 1024 * 1024  # no hand-edited event or registry comes near this


@dataclass
class YamlError(Exception):
    """A problem in one file, at one line (1-based; 0 when the whole file is meant)."""

    path: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The file's text as UTF-8, or a YamlError naming the file and line."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlError(str(path), 1, f"file is {size / 1e6:.1f} MB, more than the {max_bytes / 1e6:.0f} MB "
                            "a timeline file may hold", "is this really an event? split it or remove it")
        data = path.read_bytes()
    except OSError as err:
        raise YamlError(str(path), 0, f"cannot read the file: {err.strerror or err}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise YamlError(str(path), line, f"not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}",
                        "save the file as UTF-8") from None


MAX_DEPTH = 40  # lists and mappings nested deeper than this are refused (LibYAML's composer would crash)

_DUPLICATE_HINT = "keep one of them"
_TAG_HINT = "only plain YAML is allowed: tags such as !!python/object are refused"
_ALIAS_HINT = "write the value out in full; anchors (&name) and aliases (*name) are not used in timeline files"
_PLAIN_SCALAR_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "merge")}


class _Refused(yaml.constructor.ConstructorError):
    """A construction problem with its own hint."""

    def __init__(self, problem: str, mark, hint: str):
        super().__init__(None, None, problem, mark)
        self.hint = hint


def _construct_mapping(self, node, deep=False):
    """Mappings whose keys are always the text the editor wrote, never objects,
    and in which a repeated key is an error (PyYAML silently keeps the last)."""
    if not isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(None, None, f"expected a mapping, found {node.id}", node.start_mark)
    self.flatten_mapping(node)
    mapping: dict = {}
    lines: dict = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused("a key must be plain text, not a list or mapping", key_node.start_mark,
                           "write `name: value` with a plain name")
        if key_node.tag not in _PLAIN_SCALAR_TAGS:
            raise _Refused(f"unsafe or unknown YAML tag {key_node.tag!r}", key_node.start_mark, _TAG_HINT)
        key = key_node.value
        if key in mapping:
            raise _Refused(f"duplicate key {key!r} (first on line {lines[key]})", key_node.start_mark, _DUPLICATE_HINT)
        lines[key] = key_node.start_mark.line + 1
        mapping[key] = self.construct_object(value_node, deep=deep)
    return mapping


SafeLoader.construct_mapping = _construct_mapping
# Only the JSON-like core: no !!binary (bytes), !!set, !!omap or !!pairs, which nothing
# downstream can fingerprint or validate.
def _with_line(tag: str, construct):
    """A scalar constructor that names the line of a value it cannot read (an integer
    of 5,000 digits, `!!int` with no digits) instead of failing without one."""
    if tag in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
        return construct

    def guarded(loader, node):
        try:
            return construct(loader, node)
        except yaml.YAMLError:
            raise
        except Exception as err:  # noqa: BLE001
            kind = tag.rsplit(":", 1)[-1]
            raise _Refused(f"cannot read this {kind} value: {err or type(err).__name__}", node.start_mark,
                           "quote the value to keep it as text") from None
    return guarded


SafeLoader.yaml_constructors = {
    tag: _with_line(tag, fn) for tag, fn in _BaseLoader.yaml_constructors.items()
    if tag not in {"tag:yaml.org,2002:" + t for t in ("binary", "set", "omap", "pairs")}
}


def _plain(value: Any) -> Any:
    """Dates that YAML parsed as date objects (an explicit !!timestamp) become ISO strings again."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _line(mark) -> int:
    return mark.line + 1 if mark is not None else 0


def _screen(text: str, path: str) -> None:
    """One cheap pass over the parser's events before anything is built: refuse
    anchors and aliases (a few lines of them can expand to gigabytes, or loop) and
    nesting deep enough to overflow the composer's stack."""
    depth = 0
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlError(path, _line(event.start_mark), "YAML anchors and aliases (&name, *name) are not allowed",
                            _ALIAS_HINT)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(path, _line(event.start_mark), f"nested more than {MAX_DEPTH} levels deep",
                                "an event is a flat mapping of fields; check the brackets and indentation")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _syntax_error(err: yaml.MarkedYAMLError, path: str) -> YamlError:
    mark = err.problem_mark or err.context_mark
    problem = err.problem or err.context or "cannot read this"
    if "another document" in problem:
        return YamlError(path, _line(mark), "more than one YAML document (a second `---`)",
                         "a timeline file holds one document: remove the `---` line or split the file")
    return YamlError(path, _line(mark), f"YAML syntax: {problem}", "check indentation and quoting on that line")


def _reader_error(err: yaml.reader.ReaderError, text: str, path: str) -> YamlError:
    """A character YAML does not allow (a NUL, a control character): say which and where."""
    position = err.position if isinstance(err.position, int) else 0
    line = text[:position].count("\n") + 1
    char = err.character if isinstance(err.character, str) else chr(err.character)
    return YamlError(path, line, f"character U+{ord(char):04X} is not allowed in YAML",
                     "remove it; control characters usually come from copy and paste")


def compose(text: str, path: str = "<string>") -> yaml.Node | None:
    """The YAML node tree of ``text`` (for line numbers), screened like ``loads``."""
    try:
        _screen(text, path)
        return yaml.compose(text, Loader=SafeLoader)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as err:
        raise _syntax_error(err, path) from None
    except yaml.reader.ReaderError as err:
        raise _reader_error(err, text, path) from None
    except Exception as err:  # noqa: BLE001
        raise YamlError(path, 0, f"YAML: {err or type(err).__name__}") from None


def loads(text: str, path: str = "<string>") -> Any:
    """Safe-load one YAML document; YamlError with the line on any problem, never
    another exception."""
    try:
        _screen(text, path)
        loader = SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except YamlError:
        raise
    except _Refused as err:
        raise YamlError(path, _line(err.problem_mark), err.problem, err.hint) from None
    except yaml.constructor.ConstructorError as err:
        problem = err.problem or "cannot construct value"
        if "constructor for the tag" in problem:
            problem = f"unsafe or unknown YAML tag {problem.rsplit(' ', 1)[-1]}"
        raise YamlError(path, _line(err.problem_mark or err.context_mark), problem, _TAG_HINT) from None
    except yaml.MarkedYAMLError as err:
        raise _syntax_error(err, path) from None
    except yaml.reader.ReaderError as err:
        raise _reader_error(err, text, path) from None
    except yaml.YAMLError as err:
        raise YamlError(path, 0, f"YAML: {err}") from None
    except Exception as err:  # noqa: BLE001 - the contract: data or a YamlError, whatever the text
        # e.g. an integer of thousands of digits, `!!int` with no digits, text that is not valid Unicode
        raise YamlError(path, 0, f"cannot read a value: {err or type(err).__name__}",
                        "check the file for stray characters and explicit !!tags") from None
    return _plain(data)


def load(path: Path, max_bytes: int = MAX_BYTES) -> Any:
    return loads(read_text(path, max_bytes), str(path))


def word_list(data: dict, key: str, path) -> list[str]:
    """The list ``data[key]`` of a data file, checked to hold only strings: YAML reads
    a bare On, No, Yes or Off as true or false, which would silently never match."""
    items = data.get(key) or []
    odd = [w for w in items if not isinstance(w, str)]
    if odd:
        raise ValueError(f"{path}: {key}: {odd!r} are not words (YAML reads a bare On, No, Yes or Off as "
                         "true or false): put them in quotes")
    return items


def line_of(text: str, keys: tuple) -> int:
    """The 1-based line of the value at ``keys`` (mapping keys and list indexes), or of
    the deepest part of it that exists; 1 when nothing matches."""
    try:
        node = compose(text)
    except YamlError:
        return 1
    line = 1
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                    line = k.start_mark.line + 1
                    node = v
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


class _Dumper(SafeDumper):
    pass


def _str_presenter(dumper: yaml.Dumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dumps(data: Any, header: str = "") -> str:
    """Stable YAML: keys in the order given, block style, wide lines, UTF-8."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False, indent=2)
    return header + body


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` via a temporary file and a rename, so that a crash
    leaves the old file or the new one, never a truncated one. Returns False and
    writes nothing (the file keeps its mtime) when it already holds exactly this text."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_UMASK  # what open() would give a new file; mkstemp's 0600 would not do
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return True


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
