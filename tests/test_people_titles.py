"""The shortcuts people.py and titles.py take for speed find what the plain
patterns they replace find."""
import re
from collections import Counter
from types import SimpleNamespace

from builder import events, people, titles
from builder.alternation import Located, factored

TRICKY = ("Donald Trump met O'Brien and ’Trump’ on Monday; McTrump, Trump-Putin talks, Trump's aide, "
          "Trump’s team, iTrump, _Trump, -Trump, Trump_, Trump2, 2Trump, O’Trump, d'Trump, Trumpé, Trump' "
          "and Trump.\nTrump")


def test_a_capitalised_word_is_counted_as_the_whole_article_count_would_count_it():
    counts = Counter(people._CAPITALISED.findall(TRICKY))
    for word in set(counts) | {"Trump", "Brien", "O", "Putin", "Donald"}:
        assert people._capitalised_count(TRICKY, word) == counts[word], word


def test_a_run_of_capitalised_words_is_what_the_plain_pattern_finds():
    plain = re.compile(r"[A-Z][\w'’-]*\.?[ \t]+(?:[A-Z][\w'’-]*\.?[ \t]+){0,3}[A-Z][\w'’-]+")
    texts = [TRICKY, "Russian President Vladimir Putin. Mr. J. R. Smith Jr. met xAI Grok, NATO Chief A B CD "
             "E F G H Ij Kl, Mn.\tOp Qr.  St A.", "A B C D E F", "Ab. Cd. Ef. Gh. Ij Kl"]
    for text in texts:
        assert [m.span() for m in people._RUN.finditer(text)] == [m.span() for m in plain.finditer(text)]


TITLED = ("Russian President Vladimir Putin spoke to Vice President JD Vance and a cheerleader Anna, "
          "spokesman Dmitry Peskov,  spokeswoman\nMaria Zakharova, Secretary of State Marco Rubio, Mr. Smith, "
          "Minister Mayor John Doe, Sen. Ted Cruz, the leader said, leaders Xi and Modi, ambassadorX Y, envoy")


def _titles_as_plain_search(kb, text):
    return [(m.span(), m.group(1)) for m in kb.person_title.finditer(text)]


def test_persons_titles_are_found_as_the_whole_text_search_finds_them():
    kb = events.knowledge()
    assert [(m.span(), m.group(1)) for m in people._titled(TITLED, kb)] == _titles_as_plain_search(kb, TITLED)


def test_titles_that_are_no_plain_words_are_searched_for_by_their_pattern():
    titles = ["President", "(?:chief )?envoy", "leader"]
    exact = re.compile(r"(?:" + "|".join(titles) + r")\s+((?:[A-Z][\w'’.-]+\s?){1,3})")
    kb = SimpleNamespace(raw={"person_titles": titles},
                         person_title=Located(exact, re.compile(r"(?:" + factored(titles) + r")\s+[A-Z]")))
    assert people._title_finders(tuple(titles), exact.flags) is None
    text = "US chief envoy Steve Witkoff met President Putin; the leader Xi"
    assert [m.group(1) for m in people._titled(text, kb)] == ["Steve Witkoff ", "Putin", "Xi"]


def test_a_word_before_the_end_is_found_as_a_search_of_the_whole_text_finds_it():
    texts = ["talks on ", "talks on", "talks on\n", "talks  during  \n", "talks xon ", "talks son of ", "on ", "in\u00a0",
             "it was ", "they had been  ", "signed it early ", "ſince ", "Since\t", "ON ", "from near ", ""]
    for pattern in (titles._DATE_WORD_BEFORE, titles._PLACE_WORD_BEFORE, titles._PASSIVE_BEFORE):
        for text in texts:
            found, plain = titles._last_word(pattern, text), pattern.search(text)
            assert (found and found.span()) == (plain and plain.span()), (pattern.pattern, text)


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["two", "Two", "4", "-", "hour", "HOUR", "Hour", "hours", "ſ", "K", "İ", "ı", " ", "x",
                                 "-HOUR", "one-hour", "three-Hour"]), max_size=8).map("".join))
def test_an_hour_count_is_looked_for_only_where_the_sentence_can_hold_one(sentence):
    plain = re.search(r"\b(one|two|three|four|[1-4])-hour\b", sentence, re.I)
    gated = titles._HOURS.search(sentence) if "-hour" in sentence.lower() else None  # as make_title looks
    assert (gated and (gated.span(), gated.group(1))) == (plain and (plain.span(), plain.group(1)))
