"""The shortcuts people.py and titles.py take for speed find what the plain
patterns they replace find."""
import re
from collections import Counter

from builder import people

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
