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
    size = path.stat().st_size
    if size > max_bytes:
        raise YamlError(str(path), 0, f"file is {size / 1e6:.1f} MB, more than the {max_bytes / 1e6:.0f} MB a timeline file may hold",
                        "is this really an event? split it or remove it")
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise YamlError(str(path), line, f"not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start}",
                        "save the file as UTF-8") from None


def _reject_duplicates(node: yaml.Node, path: str) -> None:
    """PyYAML keeps the last of two equal keys silently; we refuse them."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    if key.value in seen:
                        raise YamlError(path, line, f"duplicate key {key.value!r} (first on line {seen[key.value]})",
                                        "keep one of them")
                    seen[key.value] = line
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _plain(value: Any) -> Any:
    """Dates that YAML parsed as date objects become ISO strings again."""
    if isinstance(value, dict):
        return {str(k) if isinstance(k, (dt.date, int, float, bool)) else k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def loads(text: str, path: str = "<string>") -> Any:
    """Safe-load one YAML document; YamlError with the line on any problem."""
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise YamlError(path, mark.line + 1 if mark else 0, f"YAML syntax: {err.problem or err.context}",
                        "check indentation and quoting on that line") from None
    except yaml.YAMLError as err:
        raise YamlError(path, 0, f"YAML: {err}") from None
    if node is None:
        return None
    _reject_duplicates(node, path)
    try:
        data = yaml.load(text, Loader=SafeLoader)
    except yaml.constructor.ConstructorError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or "cannot construct value"
        hint = "only plain YAML is allowed: tags such as !!python/object are refused"
        raise YamlError(path, mark.line + 1 if mark else 0, f"unsafe or unknown YAML tag: {problem}", hint) from None
    except yaml.YAMLError as err:
        raise YamlError(path, 0, f"YAML: {err}") from None
    return _plain(data)


def load(path: Path, max_bytes: int = MAX_BYTES) -> Any:
    return loads(read_text(path, max_bytes), str(path))


def line_of(text: str, keys: tuple) -> int:
    """The 1-based line of the value at ``keys`` (mapping keys and list indexes), or of
    the deepest part of it that exists; 1 when nothing matches."""
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return 1
    line = 1
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(key):
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


def write_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` via a temporary file and a rename, so that a crash
    leaves the old file or the new one, never a truncated one. Returns False and
    writes nothing when the file already holds exactly this text."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return True
