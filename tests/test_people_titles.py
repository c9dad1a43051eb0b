"""The shortcuts people.py and titles.py take for speed find what the plain
patterns they replace find."""
from collections import Counter

from builder import people

TRICKY = ("Donald Trump met O'Brien and ’Trump’ on Monday; McTrump, Trump-Putin talks, Trump's aide, "
          "Trump’s team, iTrump, _Trump, -Trump, Trump_, Trump2, 2Trump, O’Trump, d'Trump, Trumpé, Trump' "
          "and Trump.\nTrump")


def test_a_capitalised_word_is_counted_as_the_whole_article_count_would_count_it():
    counts = Counter(people._CAPITALISED.findall(TRICKY))
    for word in set(counts) | {"Trump", "Brien", "O", "Putin", "Donald"}:
        assert people._capitalised_count(TRICKY, word) == counts[word], word
