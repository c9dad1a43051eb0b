"""Tag dates: find time expressions in English news text and normalise them (TIMEX3).

    >>> import datetime as dt
    >>> [(t.text, t.value) for t in tag("Talks were held on Monday.", dt.date(2025, 5, 20))]
    [('Monday', '2025-05-19')]

How it works, in three steps per text:

1. **Find.** One combined regex, built from the rules of builder/data/timex.yaml
   (builder/timex_rules.py), scans the text; at each position the first rule that
   matches wins. A rule may check the words around the match (``left``/``right``);
   spans overlapping a ``blocked`` pattern (ages, "now that", "May" the verb) are dropped.
2. **Resolve.** The rule's resolver (builder/timex_resolve.py) turns the match into a
   value against the anchor (the publication date). A bare weekday or month takes
   the tense of its clause from cue words ("will", "is due to" -> the coming one;
   otherwise the most recent). Anaphoric rules ("the day", "a day later", "18:00
   UTC") are resolved last, against the latest full date mentioned before them.
3. **Report** `Timex` records with exact character offsets.

`tag` never raises: a text it cannot read yields fewer timexes, not an error.
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .timex_resolve import RESOLVERS, Ctx, Value
from .timex_rules import Knowledge, load_rules

log = logging.getLogger(__name__)

__all__ = ["Timex", "tag", "tag_jsonl"]


@dataclass(frozen=True, slots=True)
class Timex:
    start: int            # char offset into the text given (end exclusive), text[start:end] == self.text
    end: int
    text: str
    type: str             # DATE | TIME | DURATION | SET
    value: str            # TIMEX3 value, resolved against the anchor when the expression is relative
    end_value: str | None = None  # last day of a span ("May 8-10" -> end_value 2025-05-10)
    mod: str | None = None        # TIMEX3 mod: START, MID, END, APPROX, ...
    relative: bool = False        # True when the value depended on the anchor
    future: bool = False          # resolved as future relative to the anchor (tense / "next")


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘`(A-Z0-9])|\n")
_DAY_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class _Scan:
    """The per-text state: sentence bounds and tense, computed only when a resolver asks."""

    def __init__(self, k: Knowledge, text: str):
        self.k = k
        self.text = text
        self._bounds: list[int] | None = None

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        if self._bounds is None:
            self._bounds = [m.end() for m in _SENTENCE_END.finditer(self.text)]
        b = self._bounds
        i = bisect.bisect_right(b, start)
        s = b[i - 1] if i else 0
        j = bisect.bisect_left(b, end)
        e = b[j] if j < len(b) else len(self.text)
        return s, e

    def tense(self, start: int, end: int) -> str | None:
        """"future" or "past" from the cue word nearest the expression in its sentence, or None."""
        s, e = self.sentence(start, end)
        best, best_dist = None, None
        for m in self.k.cues.finditer(self.text, s, e):
            if m.start() < end and m.end() > start:
                continue  # a cue inside the expression ("next Monday") is handled by its rule
            dist = start - m.end() if m.end() <= start else (m.start() - end) * 1.5
            if best_dist is None or dist < best_dist:
                best, best_dist = ("future" if m.group("future") else "past"), dist
        return best


def _candidates(k: Knowledge, text: str):
    """(rule, start, end, groups) for each expression found, left to right, not overlapping."""
    blocked = [m.span() for m in k.blocked.finditer(text)] if k.blocked else []
    rules = k.rules
    pos = 0
    while pos < len(text):
        m = k.combined.search(text, pos)
        if m is None:
            return
        start = m.start()
        i = int(m.lastgroup[1:])
        found = _accept(k, rules[i], m, text, blocked, combined=True)
        j = i + 1
        while found is None and j < len(rules):  # the first rule's context said no: try the next ones here
            mm = rules[j].regex.match(text, start)
            if mm is not None:
                found = _accept(k, rules[j], mm, text, blocked, combined=False)
            j += 1
        if found is None:
            pos = start + 1
            continue
        yield found
        pos = max(found[2], start + 1)


def _accept(k: Knowledge, rule, m: re.Match, text: str, blocked, combined: bool):
    start, end = m.span()
    if end <= start:
        return None
    if rule.left is not None and not rule.left.search(text[max(0, start - 40):start]):
        return None
    if rule.right is not None and not rule.right.search(text[end:end + 40]):
        return None
    for bs, be in blocked:
        if bs < end and be > start:
            return None
    if combined:
        groups = {short: m.group(full) for full, short in rule.groups}
    else:
        groups = m.groupdict()
    return rule, start, end, groups


def tag(text: str, anchor: dt.date | None) -> list[Timex]:
    """Every time expression in ``text``, with its TIMEX3 value resolved against ``anchor``.

    With ``anchor=None`` relative expressions get the unknown form (``XXXX-XX-XX`` for a
    weekday, ``XXXX-05-08`` for "May 8") and ``relative=True``. Never raises."""
    if not isinstance(text, str) or not text:
        return []
    if anchor is not None and not isinstance(anchor, dt.date):
        anchor = None
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    try:
        return _tag(load_rules(), text, anchor)
    except Exception:  # a bug must not lose the article: report it and return what is safe
        log.exception("timex: tagging failed on a text of %d characters", len(text))
        return []


def _tag(k: Knowledge, text: str, anchor: dt.date | None) -> list[Timex]:
    scan = _Scan(k, text)
    found: list[tuple] = []  # (start, end, rule, groups, Value | None)
    for rule, start, end, groups in _candidates(k, text):
        if rule.anaphoric:
            found.append((start, end, rule, groups, None))
            continue
        value = _resolve(k, scan, rule, groups, start, end, anchor, lambda: None)
        if value is not None:
            found.append((start, end, rule, groups, value))
    out: list[Timex] = []
    last_day: list[dt.date | None] = [None]
    for start, end, rule, groups, value in found:
        if value is None:
            value = _resolve(k, scan, rule, groups, start, end, anchor, lambda: last_day[0])
            if value is None:
                continue
        typ = value.type or rule.type
        out.append(Timex(start, end, text[start:end], typ, value.value, value.end_value, value.mod,
                         value.relative, value.future))
        if typ == "DATE" and _DAY_VALUE.match(value.value) and not value.value.startswith("X"):
            try:
                last_day[0] = dt.date.fromisoformat(value.value[:10])
            except ValueError:
                pass
    return out


def _resolve(k, scan: _Scan, rule, groups, start, end, anchor, ref_day) -> Value | None:
    ctx = Ctx(k=k, text=scan.text, start=start, end=end, anchor=anchor,
              tense=lambda: scan.tense(start, end), ref_day=ref_day)
    return RESOLVERS[rule.resolve](groups, ctx)


def parse_anchor(value) -> dt.date | None:
    """The anchor date of a document's ``dct`` ("2025-05-16", "2025-05-16T10:00:00Z"), or None."""
    if not value or not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def timex_dict(t: Timex) -> dict:
    d = {"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value}
    if t.end_value:
        d["end_value"] = t.end_value
    if t.mod:
        d["mod"] = t.mod
    return d


def tag_jsonl(input_path: Path, output_path: Path | None) -> int:
    """Tag every {"id","dct","text"} line of ``input_path``; write {"id","timexes"} lines.

    ``output_path`` None writes to standard output. A line that is not a JSON object with
    a text is reported with its line number and skipped. Returns the number of documents tagged."""
    out = open(output_path, "w", encoding="utf-8") if output_path is not None else sys.stdout
    done = 0
    try:
        with open(input_path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    doc = json.loads(line)
                    text = doc["text"]
                    if not isinstance(text, str):
                        raise TypeError("text is not a string")
                except (ValueError, KeyError, TypeError) as err:
                    print(f"{input_path}:{lineno}: skipped ({err})", file=sys.stderr)
                    continue
                timexes = tag(text, parse_anchor(doc.get("dct")))
                out.write(json.dumps({"id": doc.get("id"), "timexes": [timex_dict(t) for t in timexes]},
                                     ensure_ascii=False) + "\n")
                done += 1
    finally:
        if out is not sys.stdout:
            out.close()
    return done
