"""Read stage: finding article files, decoding them, and their metadata."""
from __future__ import annotations

import codecs
import re
from collections import Counter

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from builder import sources
from builder.sources import (Article, ArticleError, Meta, find_dates, find_sources, published_from_line,
                             read_article)

from article_fixtures import ANNOTATED, FIXTURES, ROOT, SEED_PATHS, SEEDS, SOURCES, rules  # noqa: E402

RULES = rules("metadata.yaml")


def meta(article: Article) -> dict[str, tuple[str, str]]:
    return {k: (m.value, m.how) for k, m in article.meta.items()}


# --- knowledge as data: every rule's examples hold ------------------------

@pytest.mark.parametrize("rule", RULES["date_labels"], ids=lambda r: r["pattern"][:30])
def test_every_date_label_gives_its_example_dates(rule):
    for ex in rule["examples"]:
        assert published_from_line(ex["line"]) == (rule["rank"], ex["expect"]), ex["line"]


@pytest.mark.parametrize("section,group", [("byline", "name"), ("source_label", "name"), ("url_label", "url")])
def test_every_label_rule_gives_its_examples(section, group):
    for ex in RULES[section]["examples"]:
        m = sources.rules()[section].match(sources._clean(ex["line"]))
        assert m, ex["line"]
        value = sources._cut_name(m[group]) if group == "name" else m[group]
        assert value == ex["expect"]


def test_every_dateline_example_gives_its_place_and_agency():
    from builder.story import dateline_parts

    for ex in RULES["dateline"]["examples"]:
        found = dateline_parts(ex["line"])
        assert found, ex["line"]
        assert f"{found[0]}|{found[1]}" == ex["expect"]
    for counter in RULES["dateline"]["counter"]:
        assert dateline_parts(counter) is None, counter


@pytest.mark.parametrize("line", ["By the end of the day, officials had left the building.",
                                  "By contrast, the ministry said nothing.", "by Monday"])
def test_a_sentence_starting_with_by_is_not_a_byline(line):
    assert sources.byline_name(line) is None


def test_a_story_paragraph_starting_with_by_is_kept(tmp_path):
    path = tmp_path / "by.txt"
    path.write_text("Talks end without a deal\n\nBy the end of the day, negotiators from both sides had left the "
                    "hotel without signing anything, officials said.\n\nThey will meet again next month.\n",
                    encoding="utf-8")
    article = read_article(path)
    from builder.story import find_story
    assert "By the end of the day" in find_story(article).blocks[1].text
    assert "author" not in article.meta


def test_month_names_cover_every_month():
    assert set(RULES["months"].values()) == set(range(1, 13))


# --- dates ------------------------------------------------------------------

@pytest.mark.parametrize("line,expect", [
    ("Published: May 20, 2025 12:02 AM", "2025-05-20T00:02"),
    ("20 May 2025 16:02", "2025-05-20T16:02"),
    ("Tuesday, Feb. 23, 2012", "2012-02-23"),
    ("2025-05-20T16:02:00Z", "2025-05-20T16:02"),
    ("Updated 3:04 PM GMT+1, March 19, 2025", "2025-03-19T15:04"),
    ("3rd of March 2024", "2024-03-03"),
    ("Sept. 9, 2024", "2024-09-09"),
    ("20/05/2025", "2025-05-20"),
    ("05/06/2025", "2025-05-06"),
    ("05.06.2025", "2025-06-05"),
    ("Tuesday 20 May 2025 14.05 BST", "2025-05-20T14:05"),
    ("PUBLISHED 20 MAY, 2025", "2025-05-20"),
])
def test_dates_in_header_lines_are_read(line, expect):
    assert find_dates(line)[0][2] == expect


@pytest.mark.parametrize("line", ["February 30, 2025", "May 2025", "We may meet on 45 May 2025", "$65 on 12/40/2025"])
def test_impossible_or_partial_dates_are_not_read(line):
    assert find_dates(line) == []


@pytest.mark.parametrize("line", [
    "Russian President Vladimir Putin (left), in Moscow, February 17, 2025, and US President Donald Trump (AP)",
    "The deal was signed on February 17, 2025 after months of talks between the two sides.",
    "Talks resumed on March 3, 2025.",
])
def test_a_date_inside_a_sentence_is_not_a_publication_date(line):
    assert published_from_line(line) is None


def test_date_under_the_headline_beats_the_mastheads_date_of_today(tmp_path):
    path = tmp_path / "masthead.txt"
    path.write_text("Sunday, 22 November 2026\n\nCouncil approves the budget\n\nBy Ann Lee\n\n3 March 2025\n\n"
                    "The city council approved next year's budget on Monday after a long debate, officials said.\n\n"
                    "The vote was 31 to 20, with two members abstaining from the final vote.\n", encoding="utf-8")
    assert meta(read_article(path))["published"] == ("2025-03-03", "detected")


@pytest.mark.parametrize("line", ["Published: 2 hours ago", "Updated: yesterday", "Posted just now"])
def test_relative_publication_times_are_not_dates(line):
    assert published_from_line(line) is None


def test_published_beats_updated():
    assert published_from_line("Published 3 March 2025")[0] < published_from_line("Updated 4 March 2025")[0]


# --- the seeds --------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ANNOTATED))
def test_publication_date_is_detected_only_where_the_text_states_it(name):
    path, notes = ANNOTATED[name]
    article = read_article(path)
    expected = notes["published"]
    if expected is None:
        assert "published" not in article.meta
    else:
        assert meta(article)["published"] == (expected, "detected")


@pytest.mark.parametrize("name", sorted(ANNOTATED))
def test_title_is_detected_from_the_headline(name):
    path, notes = ANNOTATED[name]
    assert meta(read_article(path))["title"] == (notes["headline"], "detected")


def test_teaser_dates_far_below_the_story_are_not_the_publication_date():
    article = read_article(SEED_PATHS["al-mayadeen-ft-trump-signals-retreat-from-ukraine.txt"])
    assert article.meta["published"].value.startswith("2025-05-20")     # not "3 Nov 2025" from "Most Read"


def test_caption_date_near_the_top_is_not_the_publication_date(tmp_path):
    path = tmp_path / "caption-first.txt"
    path.write_text("Leaders meet in Geneva\n\nFILE – The two leaders shake hands in Geneva, Switzerland, June 16, 2021. "
                    "(AP Photo/Alex Brandon, File)\n\nThe two leaders will meet again next month, officials said "
                    "on Monday after a call that lasted an hour.\n", encoding="utf-8")
    assert "published" not in read_article(path).meta


def test_seeds_are_english():
    for name in SEEDS:
        assert meta(read_article(SEED_PATHS[name]))["language"] == ("en", "detected")


def test_byline_gives_the_author_and_dateline_the_agency():
    article = read_article(FIXTURES / "wrapped-agency.txt")
    m = meta(article)
    assert m["author"] == ("JOHN SMITH and MARY JONES", "detected")
    assert m["published"] == ("2025-03-19T15:04", "detected")      # "Updated" is all the page says
    assert m["publisher"] == ("Associated Press", "detected")


def test_site_name_at_top_and_foot_of_the_page_is_the_publisher():
    article = read_article(SEED_PATHS["al-mayadeen-ft-trump-signals-retreat-from-ukraine.txt"])
    assert meta(article)["publisher"] == ("Al Mayadeen English", "detected")


def test_text_without_dates_has_no_publication_date():
    article = read_article(FIXTURES / "no-dates.txt")
    assert "published" not in article.meta and article.warnings == []


# --- stated metadata ----------------------------------------------------------

def test_front_matter_is_stated_metadata_and_is_removed_from_the_text():
    article = read_article(FIXTURES / "front-matter.md")
    m = meta(article)
    assert m["title"] == ("Parliament passes the water reform bill", "stated")
    assert m["published"] == ("2024-06-03", "stated")
    assert m["url"] == ("https://valleytimes.example/politics/water-reform", "stated")   # a clipper's "source:"
    assert m["publisher"] == ("Valley Times", "stated")
    assert m["author"] == ("Ana Ruiz", "detected")
    assert not article.text.startswith("---") and "title:" not in article.text
    assert article.first_line == 8


def test_sidecar_metadata_is_stated_and_wins_over_the_text():
    m = meta(read_article(FIXTURES / "sidecar-stated.txt"))
    assert m["published"] == ("2024-09-12", "stated")
    assert m["author"] == ("Tom Berg", "stated")
    assert m["publisher"] == ("The Harbour Post", "stated")
    assert m["title"] == ("Harbour council approves new ferry route", "stated")


def test_sidecar_wins_over_front_matter(tmp_path):
    (tmp_path / "a.md").write_text("---\npublished: 2024-01-01\ntitle: Old\n---\n# Old\n\nText of the story goes here, "
                                   "and it is long enough.\n", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text("published: 2024-02-02\n", encoding="utf-8")
    m = meta(read_article(tmp_path / "a.md"))
    assert m["published"] == ("2024-02-02", "stated") and m["title"] == ("Old", "stated")


def test_stated_dates_in_words_are_normalised_and_bad_ones_warned(tmp_path):
    (tmp_path / "a.txt").write_text("Headline of it\n\nThe story says something happened on a day.\n", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text("published: 'May 20, 2025 12:02 AM'\n", encoding="utf-8")
    assert meta(read_article(tmp_path / "a.txt"))["published"] == ("2025-05-20T00:02", "stated")
    (tmp_path / "a.meta.yaml").write_text("published: soon\n", encoding="utf-8")
    article = read_article(tmp_path / "a.txt")
    assert "published" not in article.meta
    assert any("a.meta.yaml" in w and "not a date" in w for w in article.warnings)


def test_broken_front_matter_is_a_warning_with_the_line(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\n# Real title\n\nThe body of the story is here and says things.\n",
                    encoding="utf-8")
    article = read_article(path)
    assert any(w.startswith(f"{path}:") and "front matter" in w for w in article.warnings)
    assert "title" not in article.meta or article.meta["title"].how == "detected"


def test_yaml_tags_in_metadata_are_never_executed(tmp_path):
    (tmp_path / "a.txt").write_text("Headline of it\n\nThe story says something happened on a day.\n", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text("title: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    article = read_article(tmp_path / "a.txt")
    assert any("a.meta.yaml" in w for w in article.warnings)
    assert article.meta["title"].how == "detected"


# --- bad input ----------------------------------------------------------------

def test_empty_file_is_an_article_error_naming_it():
    with pytest.raises(ArticleError, match=r"empty\.txt: empty file"):
        read_article(FIXTURES / "empty.txt")


def test_whitespace_only_file_is_an_article_error(tmp_path):
    (tmp_path / "blank.txt").write_text(" \n\n\t\n", encoding="utf-8")
    with pytest.raises(ArticleError, match="blank.txt"):
        read_article(tmp_path / "blank.txt")


def test_binary_file_is_an_article_error():
    with pytest.raises(ArticleError, match=r"binary\.txt: binary file"):
        read_article(FIXTURES / "binary.txt")


def test_control_character_soup_is_binary(tmp_path):
    (tmp_path / "junk.txt").write_bytes(bytes(range(1, 32)) * 200)
    with pytest.raises(ArticleError, match="binary"):
        read_article(tmp_path / "junk.txt")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=200))
def test_control_characters_are_counted_as_a_pattern_would_count_them(text):
    pattern = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
    assert sources._control_count(text) == len(pattern.findall(text))


def test_lone_surrogates_do_not_upset_the_control_count():
    assert sources._control_count("a\ud800\x01b\x7f\t\n\x0c") == 2


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abdeilnorst'’.,:;!?()\"-—0123456789€éè", max_size=8), max_size=60))
def test_language_vocabulary_is_counted_as_if_every_word_were_stripped(words):
    vocabulary = frozenset(["the", "la", "de", "été", "l'", "'s", "o'clock", "e"])
    stripped = [w.strip(sources._NOT_LETTERS) for w in words]
    expected = {w: n for w, n in Counter(stripped).items() if w in vocabulary}
    assert dict(sources._vocabulary_counts(words, vocabulary)) == expected


def test_language_is_detected_from_common_words_with_punctuation_around_them():
    text = "Le président a dit que la guerre est finie, et les gens sont contents. " * 3
    assert sources.detect_language(text) == "fr"
    assert sources.detect_language("(The) talks, “which” were held in Riyadh, ended. " * 4) == "en"


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)          # sparse: 50 MB on paper, nothing on disk
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    with pytest.raises(ArticleError, match=r"huge\.txt: too large \(52\.4 MB"):
        read_article(big)
    assert str(big) not in map(str, opened)


def test_utf16_with_bom_is_decoded():
    article = read_article(FIXTURES / "utf16-bom.txt")
    assert article.encoding == "utf-16" and article.text.startswith("Ferry strike ends")
    assert meta(article)["published"] == ("2024-03-12", "detected")


def test_utf16_without_bom_is_decoded(tmp_path):
    (tmp_path / "a.txt").write_bytes("Headline here\n\nThe ferry strike ended on Monday.\n".encode("utf-16-le"))
    assert read_article(tmp_path / "a.txt").text.startswith("Headline here")


def test_utf8_with_bom_is_decoded_without_the_bom(tmp_path):
    (tmp_path / "a.txt").write_bytes(codecs.BOM_UTF8 + "Headline here\n\nThe story is here, said the mayor.\n".encode())
    article = read_article(tmp_path / "a.txt")
    assert article.text.startswith("Headline here") and article.warnings == []


def test_windows_1252_is_decoded_with_a_warning():
    article = read_article(FIXTURES / "windows-1252.txt")
    assert article.encoding == "cp1252"
    assert "Mayor’s café plan" in article.text and "€2 million" in article.text
    assert any("windows-1252.txt" in w and "cp1252" in w for w in article.warnings)


def test_a_few_invalid_utf8_bytes_are_replaced_with_a_warning(tmp_path):
    good = "Ministers’ talks — “productive”, they said. " * 20
    (tmp_path / "a.txt").write_bytes(b"Headline here\n\n" + good.encode() + b"\xff\xfe broken\n")
    article = read_article(tmp_path / "a.txt")
    assert article.encoding == "utf-8" and "\ufffd" in article.text and "“productive”" in article.text
    assert any("invalid UTF-8" in w for w in article.warnings)


def test_crlf_line_endings_keep_line_numbers(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Headline of the day\r\n\r\nThe council met on Monday and agreed the plan.\r\n")
    article = read_article(tmp_path / "a.txt")
    assert "\r" not in article.text
    from builder.story import find_story
    assert [b.line for b in find_story(article).blocks] == [1, 3]


def test_html_metadata_comes_from_the_page_markup():
    m = meta(read_article(FIXTURES / "nav-related-page.html"))
    assert m["published"] == ("2024-03-14T09:30", "detected")
    assert m["title"] == ("Ministers agree grain corridor deal in Ankara", "detected")
    assert m["publisher"] == ("The Harbour Post", "detected")
    assert m["url"] == ("https://harbourpost.example/world/grain-corridor-deal", "detected")
    assert m["language"] == ("en", "detected")


def test_html_declared_charset_is_used_for_legacy_bytes(tmp_path):
    html = ('<html><head><meta charset="iso-8859-15"><title>Prix</title></head><body><article><h1>Le prix</h1>'
            '<p>Le prix du pain a augmenté de 10 € cette année, selon les boulangers de la région de Paris.</p>'
            '</article></body></html>')
    (tmp_path / "a.html").write_bytes(html.encode("iso-8859-15"))
    article = read_article(tmp_path / "a.html")
    assert "10 €" in article.text and article.encoding == "iso-8859-15"


@settings(max_examples=120, deadline=None)
@given(st.binary(max_size=4000), st.sampled_from([".txt", ".md", ".html"]))
def test_reading_any_bytes_gives_an_article_or_an_article_error(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"f{suffix}"
    path.write_bytes(data)
    try:
        article = read_article(path)
    except ArticleError as err:
        assert str(err).startswith(str(path) + ": ")
        return
    assert isinstance(article.text, str) and all(isinstance(m, Meta) for m in article.meta.values())
    assert not any("story finder failed" in w for w in article.warnings), article.warnings


# --- finding files -----------------------------------------------------------------

def test_find_sources_lists_articles_sorted_and_skips_sidecars_hidden_readme_and_saved_page_assets(tmp_path):
    for name in ("b.txt", "a.md", "c.html", "d.htm", "e.markdown", "a.meta.yaml", ".hidden.txt", "README.md",
                 "notes.pdf", "sub/f.txt", ".git/g.txt", "c_files/ad-frame.htm", "c_files/x.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in find_sources(tmp_path)]
    assert found == ["a.md", "b.txt", "c.html", "d.htm", "e.markdown", "sub/f.txt"]


def test_find_sources_on_the_seed_folder_finds_the_five_seeds():
    assert len(find_sources(SOURCES)) == 5


def test_article_id_is_the_file_stem():
    path = SEED_PATHS["global-times-putin-trump-hold-phone-talks.txt"]
    article = read_article(path)
    assert article.id == path.stem and article.format == "txt"


def test_publication_date_of_dressed_news_pages_is_the_one_under_the_headline(tmp_path):
    """MEANTIME's Wikinews texts (date known) laid out as saved pages: a masthead date
    above the headline, the date under it written four ways, teaser dates far below.
    The date under the headline wins every time. A floor that only rises."""
    corpus = ROOT.parent / "shared" / "corpora" / "meantime" / "docs.jsonl"
    if not corpus.is_file():
        pytest.skip("no ../shared/corpora/meantime here")
    import json
    import random

    furniture = yaml.safe_load((FIXTURES / "furniture.yaml").read_text(encoding="utf-8"))
    rng = random.Random(3)
    right = 0
    docs = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    for doc in docs:
        lines = [x for x in doc["text"].split("\n") if x.strip()]
        title, date, paragraphs = lines[0], lines[1], lines[2:]
        under = rng.choice([date, f"By Staff Reporter | {date}", f"Updated {date}", f"Published: {date} 10:15"])
        top = "Sunday, 22 November 2026" if rng.random() < 0.3 else "Menu"
        parts = [rng.choice(furniture["nav"]), top, title, under, "Share\nTweet", *paragraphs, furniture["after"][0]]
        path = tmp_path / f"{doc['id']}.txt"
        path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
        published = read_article(path).meta.get("published")
        right += published is not None and published.value[:10] == doc["dct"]
    assert right == len(docs)


def test_a_page_saved_as_txt_is_read_as_html(tmp_path):
    html = (FIXTURES / "nav-related-page.html").read_text(encoding="utf-8")
    (tmp_path / "page.txt").write_text(html, encoding="utf-8")
    article = read_article(tmp_path / "page.txt")
    assert article.format == "html" and any("looks like html" in w for w in article.warnings)
    assert article.meta["published"].value == "2024-03-14T09:30"


def test_an_html_file_without_tags_is_read_as_text(tmp_path):
    (tmp_path / "plain.html").write_text((FIXTURES / "no-dates.txt").read_text(encoding="utf-8"), encoding="utf-8")
    article = read_article(tmp_path / "plain.html")
    assert article.format == "txt"
    from builder.story import find_story
    assert find_story(article).headline == "Village choir wins regional contest"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789٣ a.-", max_size=30))
def test_a_year_is_found_where_four_digits_stand_together(text):
    assert bool(sources._YEAR.search(text)) == bool(re.search(r"\d{4}", text))
