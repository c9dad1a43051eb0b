"""Reader for HTML: the main text trafilatura finds, as units for the story finder.

Precision first (recall when a short page yields nothing), no comments; figure
captions are carried through trafilatura, which drops ``<figcaption>``. The
extracted text then goes through the same classifier as a .txt page
(``story._assemble``), and the title, publisher, date and language the markup
states are kept as ``Story.page_meta``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .story import Story, _assemble
from .story_units import _Unit, _norm

if TYPE_CHECKING:  # pragma: no cover
    from .sources import Article

_CAPTION_MARK = "\u27e6caption\u27e7 "


def _html_story(article: "Article") -> Story:
    import lxml.etree as etree
    import lxml.html
    import trafilatura

    html = article.text
    dropped: list[tuple[int, str]] = []
    try:
        tree = lxml.html.fromstring(html.encode("utf-8", "replace"), parser=lxml.html.HTMLParser(
            encoding="utf-8", remove_comments=True))
    except (etree.ParserError, ValueError) as err:
        article.warnings.append(f"{article.path}: HTML cannot be parsed ({err})")
        return Story(headline="", blocks=[], dropped=[(0, "unparseable html")])
    page_meta = _html_meta(tree, html)
    # Carry captions through trafilatura: it drops <figcaption>, keeps <p>.
    for cap in tree.iter("figcaption"):
        cap.tag = "p"
        cap.text = _CAPTION_MARK + (cap.text or "")
    for fig in tree.iter("figure"):
        fig.tag = "div"
    try:
        xml = None
        for precision in (True, False):    # precision first; a short page may need recall
            xml = trafilatura.extract(tree, output_format="xml", include_comments=False,
                                      favor_precision=precision, favor_recall=not precision,
                                      include_tables=False, include_images=False, include_links=False,
                                      with_metadata=False, deduplicate=False)
            if xml:
                break
    except Exception as err:   # trafilatura is robust, but never let one page stop a run
        article.warnings.append(f"{article.path}: main-text extraction failed ({err})")
        xml = None
    title = page_meta.get("title", "")
    units: list[_Unit] = []
    if xml:
        root = etree.fromstring(xml.encode("utf-8"))
        main = root.find("main")
        mark = _CAPTION_MARK.strip()
        for el in (main if main is not None else root).iter("head", "p", "item", "quote"):
            parent = el.getparent()
            if el.tag == "p" and parent is not None and parent.tag in ("quote", "item"):
                continue
            text = " ".join("".join(el.itertext()).split())
            if not text:
                continue
            caption = mark in text
            if caption:
                text = " ".join(text.replace(mark, " ").split())
                if not text:
                    continue
            units.append(_Unit(text, 0, bullet=el.tag == "item", quote=el.tag == "quote",
                               heading=2 if el.tag == "head" else 0, image=caption, run=len(units)))
    # The extracted text goes through the same furniture rules as a .txt
    # page: trafilatura sometimes keeps a "Related" list or a newsletter line.
    if units and title and not any(_norm(u.text) == _norm(title) for u in units[:8]):
        units.insert(0, _Unit(title, 0, heading=1, run=-1))
    story = _assemble(units, title)
    story.page_meta = page_meta
    story.dropped[:0] = dropped
    if not story.headline and title:
        story.headline = title
    return story


def _html_meta(tree, html: str) -> dict:
    """Title, publisher, url, published, author and language stated in the page's markup."""
    out: dict[str, str] = {}
    try:
        from trafilatura.metadata import extract_metadata

        doc = extract_metadata(tree, date_config={"extensive_search": False, "original_date": True,
                                                  "outputformat": "%Y-%m-%dT%H:%M"}, extensive=False)
    except Exception:
        doc = None
    if doc is not None:
        for key, attr in (("title", "title"), ("publisher", "sitename"), ("url", "url"),
                          ("author", "author"), ("published", "date")):
            value = getattr(doc, attr, None)
            if value:
                out[key] = str(value)
    if "published" in out:
        value = out["published"]
        out["published"] = value[:10] if value.endswith("T00:00") else value
    lang = tree.get("lang") or tree.get("xml:lang")
    if lang:
        out["language"] = lang.split("-")[0].lower()
    return out
