"""Event files as text: write a new event, or edit an existing one surgically.

An editor's file keeps every line the builder does not change, comments and
layout included: ``patch_event_text`` replaces, adds (in field order) or removes
top-level fields and appends new sources after the old ones, and writes the
event out whole only when the file's layout defeats that. ``render_new_event``
writes a new event with the schema header. The store (``store.py``) decides
what changes; this module only edits the text.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from . import model
from .timeline import SCHEMA_HEADER
from .yamlio import YamlError, compose, dumps, loads


def _end_line(node: yaml.Node, lines: list[str]) -> int:
    """The line after the last line holding ``node``'s own content (0-based): comments
    and blank lines after it are not part of it (a block collection's end mark is)."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False) or not node.value:
        mark = node.end_mark
        end = mark.line + (1 if mark.column else 0)
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            while end > node.start_mark.line + 1 and not lines[end - 1].strip():
                end -= 1
        return max(end, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        key, value = node.value[-1]
        return max(_end_line(value, lines), key.start_mark.line + 1)
    return _end_line(node.value[-1], lines)


class _CannotPatch(Exception):
    pass


def _patch(text: str, updates: dict) -> str:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    root = compose(text)
    if not isinstance(root, yaml.MappingNode) or root.flow_style or not root.value:
        raise _CannotPatch("not a block mapping")
    data = loads(text)
    blocks = []  # (key, first line, line after the content, value node)
    for key_node, value_node in root.value:
        if key_node.start_mark.column != 0:
            raise _CannotPatch("indented top level")
        blocks.append((key_node.value, key_node.start_mark.line, _end_line(value_node, lines), value_node))
    for (_, _, end, _), (_, start, _, _) in zip(blocks, blocks[1:]):
        if end > start:
            raise _CannotPatch("overlapping fields")

    def render(chunk: str, indent: int = 0) -> list[str]:
        return [" " * indent + line.rstrip("\n") + newline for line in chunk.splitlines()]

    order = {k: i for i, k in enumerate(model.FIELD_ORDER)}
    replaced: dict[str, list[str]] = {}
    appended: dict[str, list[str]] = {}
    inserted: dict[str | None, list[tuple[int, str]]] = {}  # after which key -> new fields
    present = [b[0] for b in blocks]
    for key, value in updates.items():
        if key in present:
            node = blocks[present.index(key)][3]
            old = data.get(key)
            if (value is not None and isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value
                    and isinstance(old, list) and isinstance(value, list)
                    and len(value) > len(old) and value[:len(old)] == old):
                appended[key] = render(dumps(value[len(old):]), node.start_mark.column)
            else:
                replaced[key] = [] if value is None else render(dumps({key: value}))
        elif value is not None:
            rank = order.get(key, len(order))
            before = [k for k in present if order.get(k, len(order)) < rank]
            inserted.setdefault(before[-1] if before else None, []).append((rank, key))

    out = lines[: blocks[0][1]]
    gaps = [b[1] for b in blocks[1:]] + [len(lines)]
    for after in [None] + present:
        for _, key in sorted(inserted.get(after, [])):
            if after is None:
                out.extend(render(dumps({key: updates[key]})))
        if after is None:
            continue
        i = present.index(after)
        _, start, end, _ = blocks[i]
        out.extend(replaced[after] if after in replaced else lines[start:end])
        out.extend(appended.get(after, []))
        for _, key in sorted(inserted.get(after, [])):
            out.extend(render(dumps({key: updates[key]})))
        out.extend(lines[end:gaps[i]])
    result = "".join(out)
    expected = {k: v for k, v in {**data, **updates}.items() if v is not None}
    if loads(result) != expected:
        raise _CannotPatch("the patched text does not read back as intended")
    return result


def patch_event_text(text: str, updates: dict) -> str:
    """``text`` with the top-level fields in ``updates`` replaced, added (in field
    order) or removed (value None); every other line, comments included, is kept.
    A list that only grows (new sources) gets its new items appended after the
    old ones, so comments among them stay too. Should the file's layout defeat
    this, the event is written out whole (its leading comment lines kept)."""
    try:
        return _patch(text, updates)
    except (_CannotPatch, YamlError):
        data = loads(text) or {}
        event = {k: v for k, v in {**data, **updates}.items() if v is not None}
        header = "".join(line + "\n" for line in _leading_comments(text))
        return dumps(model.order_event(event), header=header)


def _leading_comments(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        out.append(line)
    return out


def _schema_header(path: Path) -> str:
    rel = os.path.relpath(model.SCHEMA_PATH, path.parent)
    return SCHEMA_HEADER.format(rel.replace(os.sep, "/"))


def render_new_event(event: dict, path: Path) -> str:
    return dumps(model.order_event(event), header=_schema_header(path))
