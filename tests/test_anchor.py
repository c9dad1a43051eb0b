"""Anchor dates: the publication date when known, else inferred from the text."""
import datetime as dt
from dataclasses import dataclass

import pytest

from builder import anchor, timex


@dataclass
class Block:
    text: str
    kind: str = "paragraph"


def infer(*paragraphs, caption=None):
    blocks = [Block(p) for p in paragraphs] + ([Block(caption, "caption")] if caption else [])
    return anchor.infer(blocks, timex.tag)


@pytest.mark.parametrize("paragraphs,caption,expected", [
    # weekdays named as past must fall after the latest full date: Tuesday and Wednesday after Thursday 13 March
    (["Tuesday's phone call reflected both leaders' interest.", "He called the president for an hour Wednesday."],
     "A soldier in a photo taken on Thursday, March 13, 2025.", "2025-03-19"),
    # "last Friday" is strictly before the publication day
    (["In a meeting last Friday, the leaders argued."], "Newspapers on sale in Moscow, Feb. 13, 2025.", "2025-02-15"),
    # a future date ("starting May 8") does not count as past
    (["The deal was signed Wednesday.", "He said Thursday it was historic.",
      "The truce, starting May 8, was proposed this week."], "Leaders greet each other, April 25, 2025.", "2025-05-01"),
    # no weekday: the latest full date itself
    (["The company reported results on 4 June 2024."], None, "2024-06-04"),
])
def test_a_missing_publication_date_is_inferred_from_the_texts_own_dates(paragraphs, caption, expected):
    found = infer(*paragraphs, caption=caption)
    assert found.how == "inferred" and found.date == dt.date.fromisoformat(expected), found.reason


def test_a_text_without_any_full_date_has_no_anchor():
    found = infer("The talks went on for hours on Monday.")
    assert found.date is None and found.how == "none"


def test_a_stated_publication_date_is_taken_as_it_is():
    found = anchor.from_published("2025-05-20T00:02", "detected")
    assert found.date == dt.date(2025, 5, 20) and found.how == "detected"
    assert anchor.from_published("not a date", "stated") is None
