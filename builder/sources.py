"""Read stage: find article files, decode them, and gather their metadata.

An article is a ``.txt``, ``.md`` or ``.html`` file as saved from the web.
Its metadata (title, publisher, url, published, language, author) comes from,
in order of authority:

1. a sidecar ``NAME.meta.yaml`` next to the file, written by an editor;
2. YAML front matter (``---`` at the very top of a ``.md`` or ``.txt``);
3. the text itself: the publication date from the header area ("Published:
   May 20, 2025 12:02 AM", a byline list with "20 May 2025 16:02"), the
   headline, a byline, a dateline's agency; for HTML the page's own metadata
   (``article:published_time``, JSON-LD ``datePublished``) through
   trafilatura/htmldate.

Each value records how it was found: ``stated`` (1, 2), ``detected`` (3) or
``inferred`` (later stages). When nothing states the publication date it is
left out: downstream stages infer it from the text's own constraints.

Bad input never crashes the run: an empty, binary, oversized or undecodable
file raises :class:`ArticleError` naming the file and the reason; anything
recoverable (invalid UTF-8 bytes, a broken front matter) becomes a warning.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import filterfalse, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .yamlio import word_list

if TYPE_CHECKING:  # pragma: no cover
    from .story import Story

DATA = Path(__file__).parent / "data" / "metadata.yaml"

MAX_BYTES = 10 * 1024 * 1024          # larger files are refused unread
MAX_META_BYTES = 256 * 1024           # sidecar / front matter limit
FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
           ".html": "html", ".htm": "html", ".xhtml": "html"}
META_KEYS = ("title", "publisher", "url", "published", "language", "author")
# Keys an editor or a web clipper may use for the same things.
META_ALIASES = {
    "date": "published", "published_at": "published", "publish_date": "published",
    "pubdate": "published", "date_published": "published", "datepublished": "published",
    "headline": "title", "name": "title",
    "site": "publisher", "site_name": "publisher", "sitename": "publisher", "outlet": "publisher",
    "source_name": "publisher", "publication": "publisher",
    "link": "url", "source_url": "url", "canonical": "url", "permalink": "url",
    "lang": "language", "authors": "author", "byline": "author",
}
# Files in a sources folder that describe the folder rather than hold an article.
NOT_ARTICLES = {"readme", "license", "licence", "changelog", "contributing", "authors", "notice"}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DataLoader(_Loader):  # type: ignore[misc, valid-type]
    """Safe loader for the builder's own data files: a key given twice is an error
    (YAML would silently keep the last one, and a rule would lose its examples)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_data(path: Path) -> dict:
    """A data file of the builder (metadata.yaml, boilerplate.yaml), strictly loaded."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=DataLoader)


@dataclass
class Meta:
    """One metadata value and how it was found."""
    value: str
    how: str           # "stated" | "detected" | "inferred"


@dataclass
class Article:
    id: str            # file stem
    path: Path
    format: str        # "txt" | "md" | "html"
    text: str          # decoded text, front matter removed; for html the raw html
    meta: dict[str, Meta] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"        # how the bytes were decoded
    first_line: int = 1            # line of the file where ``text`` starts (after front matter)
    _story: Any = field(default=None, repr=False, compare=False)   # cached Story of this text


class ArticleError(Exception):
    """An article that cannot be read; ``str(err)`` is ``"<path>: <reason>"``."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


# --- finding files ---------------------------------------------------------

def find_sources(folder: Path) -> list[Path]:
    """Article files under ``folder`` (recursively), sorted by relative path.

    Skips hidden files and folders, the ``NAME_files/`` folders a browser saves
    a page's images, scripts and frames into, sidecars (``*.meta.yaml``),
    files of other types, and README/LICENSE-like files that describe the folder.
    """
    folder = Path(folder)
    if folder.is_file():
        return [folder] if is_article_path(folder) else []
    found = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") or part.endswith("_files") for part in rel.parts[:-1]) \
                or rel.name.startswith("."):
            continue
        if path.is_file() and is_article_path(path):
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def is_article_path(path: Path) -> bool:
    name = path.name
    if name.startswith(".") or name.endswith((".meta.yaml", ".meta.yml")):
        return False
    if path.suffix.lower() not in FORMATS:
        return False
    return path.stem.lower() not in NOT_ARTICLES


def sidecar_path(path: Path) -> Path | None:
    """The editor's ``NAME.meta.yaml`` for ``path`` (``NAME.txt.meta.yaml`` also accepted)."""
    for candidate in (path.with_name(path.stem + ".meta.yaml"), path.with_name(path.name + ".meta.yaml"),
                      path.with_name(path.stem + ".meta.yml")):
        if candidate.is_file():
            return candidate
    return None


# --- reading ---------------------------------------------------------------

def read_article(path: Path) -> Article:
    """Read one article: decode it, take stated metadata, detect the rest.

    Raises :class:`ArticleError` for a file that cannot be an article.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ArticleError(path, f"not an article file type ({path.suffix or 'no suffix'})")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(path, f"too large ({size / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB)")
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as err:
        raise ArticleError(path, f"cannot read: {err.strerror or err}") from None
    if len(data) > MAX_BYTES:
        raise ArticleError(path, f"too large (over {MAX_BYTES // 2**20} MB)")
    warnings: list[str] = []
    text, encoding = decode(data, fmt, path, warnings)
    if not text.strip():
        raise ArticleError(path, "empty file" if not data.strip() else "no text (only whitespace)")

    sniffed = sniff_format(text, fmt)
    if sniffed != fmt:
        warnings.append(f"{path}: looks like {sniffed}, not {fmt}; read as {sniffed}")
        fmt = sniffed
    article = Article(id=path.stem, path=path, format=fmt, text=text, warnings=warnings,
                      encoding=encoding)
    stated: dict[str, Meta] = {}
    if fmt in ("md", "txt"):
        front, body, skipped_lines = split_front_matter(text, path, warnings)
        if front is not None:
            article.text = body
            article.first_line = 1 + skipped_lines
            stated.update(_stated(front, f"{path.name} front matter", warnings))
    side = sidecar_path(path)
    if side is not None:
        stated.update(_stated(load_sidecar(side, warnings), side.name, warnings))
    if not article.text.strip():
        raise ArticleError(path, "no text after the front matter")
    article.meta = dict(stated)

    from .story import find_story   # the story marks where the header is

    try:
        story = find_story(article)
        detected = detect_metadata(article, story)
    except Exception as err:   # a bug in a heuristic must not lose the article's stated metadata
        warnings.append(f"{path}: story finder failed ({type(err).__name__}: {err}); nothing detected")
        return article
    for key, meta in detected.items():
        article.meta.setdefault(key, meta)
    if not story.blocks:
        warnings.append(f"{path}: no story text found")
    return article


_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
                         re.I | re.S)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*[\s>/]")


def sniff_format(text: str, fmt: str) -> str:
    """The format the text really has: a page saved as .txt is still HTML, and a
    .html file without a single tag is plain text."""
    head = text[:4096]
    if fmt in ("txt", "md") and _HTML_START.match(head):
        return "html"
    if fmt == "html" and not _TAG.search(text[:65536]):
        return "txt"
    return fmt


# --- decoding --------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HTML_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
# Control characters that do not occur in text (tab, newlines and form feed do).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, *range(0x0e, 0x20), 0x7f])
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def decode(data: bytes, fmt: str, path: Path | str = "?", warnings: list[str] | None = None) -> tuple[str, str]:
    """(text, encoding) for the bytes of an article; newlines normalised to ``\\n``.

    UTF-8 first; a byte-order mark names UTF-8/16/32; NUL bytes without one
    mean UTF-16 when they fall on every other byte, else a binary file. Bytes
    that are not UTF-8 are read as the HTML's declared charset, else
    Windows-1252, else the best guess of charset_normalizer; a file that is
    mostly UTF-8 with a few bad bytes keeps UTF-8 with the bad bytes replaced.
    """
    warnings = warnings if warnings is not None else []
    if not data:
        raise ArticleError(path, "empty file")
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    if encoding is None and b"\x00" in data[:4096]:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise ArticleError(path, "binary file (contains NUL bytes)")
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text = data.decode(encoding, errors="replace")
            warnings.append(f"{path}: invalid {encoding} bytes replaced")
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as err:
            text, encoding = _decode_legacy(data, fmt, path, warnings, err)
    text = text.lstrip("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:65536]
    if sample and _control_count(sample) > max(8, len(sample) // 100):
        raise ArticleError(path, "binary file (mostly control characters)")
    return text, encoding


def _control_count(text: str) -> int:
    """How many control characters (other than tab, newlines, form feed) ``text`` holds.

    Counted on its UTF-8 bytes, where each is one byte and no other character
    has such a byte: bytes.translate is many times cheaper than a regular
    expression stepping through the characters."""
    raw = text.encode("utf-8", "surrogatepass")
    return len(raw) - len(raw.translate(None, _CONTROL_BYTES))


def _utf16_without_bom(data: bytes) -> str | None:
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes, fmt: str, path, warnings: list[str], err: UnicodeDecodeError) -> tuple[str, str]:
    bad = data.decode("utf-8", errors="replace").count("\ufffd")
    good = len(_UTF8_MULTIBYTE.findall(data))
    if good >= 3 * bad:   # mostly UTF-8: a few broken bytes
        warnings.append(f"{path}: invalid UTF-8 at byte {err.start}; {bad} bad byte(s) replaced")
        return data.decode("utf-8", errors="replace"), "utf-8"
    candidates = []
    if fmt == "html":
        m = _HTML_CHARSET.search(data[:4096])
        if m:
            candidates.append(m.group(1).decode("ascii", "ignore").lower())
    candidates.append("cp1252")
    for name in candidates:
        try:
            codecs.lookup(name)
            text = data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
        warnings.append(f"{path}: not UTF-8; decoded as {name}")
        return text, name
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # pragma: no cover - the library is optional here
        best = None
    if best is not None and best.encoding:
        warnings.append(f"{path}: not UTF-8; decoded as {best.encoding} (guessed)")
        return str(best), best.encoding
    warnings.append(f"{path}: undecodable bytes replaced (read as UTF-8)")
    return data.decode("utf-8", errors="replace"), "utf-8"


# --- stated metadata -------------------------------------------------------

_FRONT_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


def split_front_matter(text: str, path, warnings: list[str]) -> tuple[dict | None, str, int]:
    """(front matter, rest of the text, lines removed) for ``---`` YAML at the top."""
    if not text.startswith("---"):
        return None, text, 0
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].strip() != "---":
        return None, text, 0
    m = _FRONT_END.search(text, first_nl + 1, first_nl + 1 + MAX_META_BYTES)
    if not m:
        return None, text, 0
    raw = text[first_nl + 1:m.start()]
    end = m.end() + 1 if m.end() < len(text) and text[m.end()] == "\n" else m.end()
    lines = text.count("\n", 0, end)
    try:
        data = yaml.load(raw, Loader=_Loader)
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        line = f":{where.line + 2}" if where is not None else ""
        warnings.append(f"{path}{line}: front matter is not valid YAML ({getattr(err, 'problem', err)}); ignored")
        return {}, text[end:], lines
    if data is None:
        data = {}
    if not isinstance(data, dict):
        warnings.append(f"{path}: front matter is not a mapping; ignored")
        return {}, text[end:], lines
    return data, text[end:], lines


def load_sidecar(side: Path, warnings: list[str]) -> dict:
    try:
        if side.stat().st_size > MAX_META_BYTES:
            warnings.append(f"{side}: too large for a metadata file; ignored")
            return {}
        raw = side.read_bytes().decode("utf-8-sig")
        data = yaml.load(raw, Loader=_Loader)
    except (OSError, UnicodeDecodeError) as err:
        warnings.append(f"{side}: cannot read ({err}); ignored")
        return {}
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        line = f":{where.line + 1}" if where is not None else ""
        warnings.append(f"{side}{line}: not valid YAML ({getattr(err, 'problem', err)}); ignored")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        warnings.append(f"{side}: not a mapping of metadata; ignored")
        return {}
    return data


def _stated(data: dict, where: str, warnings: list[str]) -> dict[str, Meta]:
    out: dict[str, Meta] = {}
    for raw_key, value in data.items():
        key = str(raw_key).strip().lower().replace("-", "_")
        key = META_ALIASES.get(key, key)
        if key == "source":       # web clippers write the page address here
            key = "url" if isinstance(value, str) and value.strip().startswith(("http://", "https://")) else "publisher"
        if key not in META_KEYS or value is None or key in out:
            continue
        if isinstance(value, dict):          # author: {name: ..., url: ...}
            value = value.get("name") or value.get("value")
            if value is None:
                continue
        if isinstance(value, list):
            value = ", ".join(str(v.get("name", "") if isinstance(v, dict) else v) for v in value if v is not None)
        if key == "published":
            iso = iso_from_value(value)
            if iso is None:
                warnings.append(f"{where}: published {value!r} is not a date; ignored")
                continue
            value = iso
        value = str(value).strip()
        if value:
            out[key] = Meta(value, "stated")
    return out


def iso_from_value(value) -> str | None:
    """ISO text for a YAML date/datetime or a date written as text."""
    if isinstance(value, dt.datetime):
        return _iso(value.year, value.month, value.day, value.hour, value.minute, bool(value.hour or value.minute))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return None
    text = " ".join(str(value).split())
    if re.fullmatch(r"\d{4}(-\d{2}){0,2}", text):   # a stated year or month stays at its precision
        return text if _valid_partial(text) else None
    found = find_dates(text)
    if found:
        return found[0][2]
    return parse_with_dateparser(text)


def _valid_partial(text: str) -> bool:
    parts = [int(p) for p in text.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        return True
    except ValueError:
        return False


# --- dates in text ---------------------------------------------------------

@lru_cache(maxsize=1)
def rules() -> dict:
    """metadata.yaml, validated and compiled."""
    data = load_data(DATA)
    for key in ("months", "date_labels", "byline", "source_label", "url_label", "dateline", "language_words"):
        if key not in data:
            raise ValueError(f"{DATA}: missing section {key!r}")
    months = {str(k).lower(): int(v) for k, v in data["months"].items()}
    if any(not 1 <= v <= 12 for v in months.values()):
        raise ValueError(f"{DATA}: a month number is outside 1-12")
    month_re = "(?:" + "|".join(sorted(map(re.escape, months), key=len, reverse=True)) + ")"
    day = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
    date_re = re.compile(
        rf"\b{day}(?P<d1>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?(?P<m1>{month_re})\.?,?\s+(?:de\s+)?(?P<y1>\d{{4}})(?:\b|(?=\d{{1,2}}:\d{{2}}))"
        rf"|\b{day}(?P<m2>{month_re})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})(?:\b|(?=\d{{1,2}}:\d{{2}}))"
        rf"|\b(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})(?:[T ](?P<h3>\d{{2}}):(?P<mi3>\d{{2}}))?"
        rf"|\b(?P<a4>\d{{1,2}})(?P<s4>[./])(?P<b4>\d{{1,2}})[./](?P<y4>\d{{4}})\b",
        re.I)
    lone_time = re.compile(r"\b(?P<h>\d{1,2})[:.](?P<mi>\d{2})\s*(?P<ap>[ap]\.?\s?m\.?)?", re.I)
    labels = [(re.compile(r["pattern"], re.I), int(r["rank"]), r.get("examples", [])) for r in data["date_labels"]]
    lang = {k: frozenset(word_list(data["language_words"], k, f"{DATA}: language_words"))
            for k in data["language_words"]}
    vocabulary = frozenset().union(*lang.values())
    return {
        "months": months, "month_re": month_re, "date": date_re, "time": lone_time, "labels": labels,
        "byline": re.compile(data["byline"]["pattern"], re.I),
        "source_label": re.compile(data["source_label"]["pattern"], re.I),
        "url_label": re.compile(data["url_label"]["pattern"], re.I),
        "dateline": re.compile(data["dateline"]["pattern"]),
        "agencies": dict(data.get("agencies") or {}),
        "language_words": lang, "vocabulary": vocabulary,
        "raw": data,
    }


def _iso(y: int, m: int, d: int, h: int | None = None, mi: int | None = None, with_time: bool = False) -> str | None:
    try:
        day = dt.date(y, m, d)
    except ValueError:
        return None
    if not 1800 <= y <= 2200:
        return None
    if with_time and h is not None and mi is not None and 0 <= h < 24 and 0 <= mi < 60:
        return f"{day.isoformat()}T{h:02d}:{mi:02d}"
    return day.isoformat()


def _hour(h: str | None, ap: str | None) -> int | None:
    if h is None:
        return None
    hour = int(h)
    if ap:
        pm = ap.lower().startswith("p")
        if hour == 12:
            hour = 12 if pm else 0
        elif pm:
            hour += 12
    return hour


# Written "\d\d{3}", not "\d{4}": a pattern that begins with a character class
# lets the engine skip to the next digit; "\d{4}" is tried at every character.
_YEAR = re.compile(r"\d\d{3}")


def find_dates(line: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO) of each full calendar date written in ``line``.

    Fast regular expressions for the shapes publication dates take; a time on
    the same line ("16:02", "12:02 AM", "3:04 PM GMT+1, March 19, 2025") is
    attached when there is exactly one.
    """
    out: list[tuple[int, int, str]] = []
    if not _YEAR.search(line):      # every full date has a year: most lines are done here
        return out
    r = rules()
    for m in r["date"].finditer(line):
        g = m.groupdict()
        if g["y1"]:
            y, mo, d = int(g["y1"]), r["months"][g["m1"].lower().rstrip(".")], int(g["d1"])
        elif g["y2"]:
            y, mo, d = int(g["y2"]), r["months"][g["m2"].lower().rstrip(".")], int(g["d2"])
        elif g["y3"]:
            y, mo, d = int(g["y3"]), int(g["m3"]), int(g["d3"])
        else:
            a, b, y = int(g["a4"]), int(g["b4"]), int(g["y4"])
            # 20/05/2025 and 05/20/2025 are clear; an ambiguous 05/06/2025 is read
            # month first (US usage), 05.06.2025 day first (European usage).
            d, mo = (a, b) if a > 12 else (b, a) if b > 12 else (a, b) if g["s4"] == "." else (b, a)
        h, mi = (g["h3"], g["mi3"]) if g["y3"] else (None, None)
        hour = _hour(h, None) if h else None
        if hour is None and not g["y3"]:
            t = _TIME_AFTER.match(line, m.end())
            if t:
                hour, mi = _hour(t.group(1), t.group(3)), t.group(2)
        if hour is None:
            times = list(r["time"].finditer(line))
            times = [t for t in times if not (m.start() <= t.start() < m.end())]
            if len(times) == 1:
                hour, h, mi = _hour(times[0]["h"], times[0]["ap"]), times[0]["h"], times[0]["mi"]
        iso = _iso(y, mo, d, hour, int(mi) if mi else None, with_time=hour is not None)
        if iso:
            out.append((m.start(), m.end(), iso))
    return out


@lru_cache(maxsize=4096)
def parse_with_dateparser(text: str) -> str | None:
    """A date written in a form the fast patterns miss (cached; dateparser is slow)."""
    if not text or len(text) > 80 or not _YEAR.search(text):
        return None         # "2 hours ago", "yesterday": relative to the day of saving, not a date
    import dateparser

    try:
        when = dateparser.parse(text, languages=None, settings={
            "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
            "REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past"})
    except Exception:
        return None
    if when is None:
        return None
    return _iso(when.year, when.month, when.day, when.hour, when.minute, bool(when.hour or when.minute))


# --- detected metadata -----------------------------------------------------

_BULLET = re.compile(r"^[\s•·▪●◦‣∙*+–-]+")


def _clean(line: str) -> str:
    return " ".join(_BULLET.sub("", line).split())


# What may sit beside a publication date on its line without making it a sentence.
_NOT_WORDS = re.compile(r"\d{1,2}[:.]\d{2}(?::\d{2})?|\b(?:by|on|at|gmt|utc|et|edt|est|bst|cet|cest|msk|ist|"
                        r"[ap]\.?m\.?|[+-]\d+|updated|ago|published|posted|last|first|modified)\b|"
                        r"[|/,•·()\-–—:]", re.I)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_TIME_AFTER = re.compile(r"\s*(?:,|at|-|–|\|)?\s*(\d{1,2})[:.](\d{2})(?::\d{2})?\s*([ap]\.?\s?m\.?)?", re.I)


def published_from_line(line: str) -> tuple[int, str] | None:
    """(rank, ISO) when ``line`` states a publication date: a labelled date
    ("Published: ...", rank by label) or a line that is little but a date
    (rank 2). None for a date inside a sentence."""
    line = _clean(line)
    if not line or len(line) > 160:
        return None
    r = rules()
    for label, rank, _ in r["labels"]:
        m = label.match(line)
        if m:
            rest = line[m.end():].strip()
            found = find_dates(rest)
            if found:
                return rank, found[0][2]
            iso = parse_with_dateparser(rest) if rest else None
            return (rank, iso) if iso else None
    found = find_dates(line)
    if len(found) != 1:
        return None
    start, end, iso = found[0]
    rest = (line[:start] + " " + line[end:])
    rest = _NOT_WORDS.sub(" ", _CAMEL.sub(" ", rest))
    words = rest.split()
    # Beside a publication date stand names (a place, a time zone, an author), not a sentence.
    if not all(w[0].isupper() or w[0].isdigit() for w in words):
        return None
    if len(words) <= 3 or (len(words) <= 8 and line[:start].strip().lower().startswith("by ")):
        return 2, iso
    return None


def detect_metadata(article: Article, story: "Story") -> dict[str, Meta]:
    """Metadata found in the article's own text (and, for HTML, its markup)."""
    found: dict[str, Meta] = {}
    if article.format == "html":
        for key, value in (getattr(story, "page_meta", None) or {}).items():
            if value:
                found[key] = Meta(str(value), "detected")
    r = rules()
    best: tuple[int, int, int, str] | None = None
    top = story.header[0].line if story.header and story.header[0].kind == "headline" else 0
    for i, block in enumerate(story.header):
        hit = published_from_line(block.text)
        if hit:
            # A date under the headline beats one above it (a site's "today" in the masthead).
            key = (0 if block.line >= top else 1, hit[0], i, hit[1])
            if best is None or key < best:
                best = key
        line = _clean(block.text)
        if "author" not in found:
            name = byline_name(line)
            if name:
                found["author"] = Meta(name, "detected")
        if "url" not in found:
            m = r["url_label"].match(line)
            if m:
                found["url"] = Meta(m["url"].rstrip(".,)"), "detected")
    if best is not None and "published" not in found:
        found["published"] = Meta(best[3], "detected")
    if story.headline and "title" not in found:
        found["title"] = Meta(story.headline, "detected")
    if "publisher" not in found:
        publisher = _publisher_from_text(article, story)
        if publisher:
            found["publisher"] = Meta(publisher, "detected")
    if "language" not in found:
        lang = detect_language(" ".join(b.text for b in story.blocks[:12]))
        if lang:
            found["language"] = Meta(lang, "detected")
    return found


_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_NAME_PARTICLES = frozenset("and & de da di van von der den la le al el bin ibn y du dos das of the".split())


def byline_name(line: str) -> str | None:
    """The name in a byline ("By Jane Doe | May 20, 2025" -> "Jane Doe"), or None
    when the line is a sentence that starts with "By" ("By the end of the day, ...")."""
    line = _clean(line)
    m = rules()["byline"].match(line)
    if not m or len(line.split()) > 16:
        return None
    name = _cut_name(m["name"])
    words = name.split()
    if not words or len(words) > 8:
        return None
    named = sum(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words)
    if named < len(words) or not words[0][0].isupper():
        return None
    if all(w.lower().strip(".,") in rules()["months"] or w.lower().strip(".,") in _WEEKDAYS for w in words):
        return None     # "by Monday", "by March"
    return name


def _cut_name(name: str) -> str:
    name = re.split(r"\s+[-–—|]\s+|,\s*(?:\d|updated|published|\w+ \d{1,2},)", name, maxsplit=1, flags=re.I)[0]
    for _, _, iso in find_dates(name)[:1]:
        name = name[:find_dates(name)[0][0]]
    name = re.sub(r",\s*(?:the\s+)?(?:associated press|reuters|afp|staff writer|correspondent|reporter).*$", "", name, flags=re.I)
    return name.strip(" ,;:|-")


def _publisher_from_text(article: Article, story: "Story") -> str | None:
    if story.dateline_agency:
        return rules()["agencies"].get(story.dateline_agency, story.dateline_agency)
    # A site name: a short line at the very top that comes back at the foot of the page.
    lines = [ln.strip() for ln in article.text[:2000].split("\n") if ln.strip()]
    if lines:
        first = _clean(lines[0])
        words = first.split()
        if 1 <= len(words) <= 5 and first[0].isupper() and not first.endswith((".", "?", "!", ":")):
            tail = article.text[-3000:]
            if tail.count(first) >= 1 and len(article.text) > 3000 or article.text.count(first) >= 3:
                return first
    return None


def detect_language(text: str) -> str | None:
    """The language whose common words make up most of ``text`` (None when unsure)."""
    words = text[:2500].lower().split()[:400]
    if len(words) < 20:
        return None
    counts = _vocabulary_counts(words, rules()["vocabulary"])
    seen = counts.keys()
    scores = {lang: sum(counts[w] for w in vocab & seen) for lang, vocab in rules()["language_words"].items()}
    lang, score = max(scores.items(), key=lambda kv: kv[1])
    return lang if score >= 0.15 * len(words) else None


def _vocabulary_counts(words: list[str], vocabulary: frozenset) -> Counter:
    """How often each word of ``vocabulary`` occurs among ``words`` stripped of
    punctuation. Only words with a character other than a letter are stripped
    (letters are never stripped), and all of it runs in C (filter, map): a loop
    stripping each word costs more than the rest of the detection."""
    counts = Counter(filter(vocabulary.__contains__, filter(str.isalpha, words)))
    counts.update(filter(vocabulary.__contains__,
                         map(str.strip, filterfalse(str.isalpha, words), repeat(_NOT_LETTERS))))
    return counts


_NOT_LETTERS = "0123456789.,;:!?\"“”‘’«»()[]{}<>/|\\—–-…*#@&+=~^`•·'_%$€£"
