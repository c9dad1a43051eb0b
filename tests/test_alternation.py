"""The fast alternations match what the plain ones match."""
import re

from hypothesis import given, settings, strategies as st

from builder.alternation import NameFinder, factored, lowered, trie_pattern
from builder.events import knowledge

NAMES = ["Ukraine", "Ukrainian", "United States", "United Nations", "UN", "U.S.", "the Kremlin", "Al Jazeera"]


def plain(names):
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)")


def test_a_trie_of_names_prefers_the_longest():
    assert re.fullmatch(trie_pattern(["UN", "United Nations", "United"]), "United Nations")
    found = [m.group(0) for m in NameFinder(NAMES).finditer("The United Nations and Ukrainian troops; UNESCO, U.S.")]
    assert found == ["United Nations", "Ukrainian", "U.S."]


def test_a_name_inside_a_longer_word_is_not_found():
    assert [m.group(0) for m in NameFinder(["Donald", "Don"]).finditer("McDonald met Don and Donalds")] == ["Don"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NAMES + ["Un", "States", "Kremlin"]), max_size=8).map(" ".join),
       st.text(alphabet="aU .-,", max_size=6))
def test_names_are_found_exactly_where_the_plain_alternation_finds_them(words, noise):
    text = noise + words + noise + words
    assert [m.span() for m in NameFinder(NAMES).finditer(text)] == [m.span() for m in plain(NAMES).finditer(text)]


def test_factored_triggers_start_where_the_plain_ones_do():
    kb = knowledge()
    alternatives = [p for spec in kb.raw["kinds"].values() for p in spec["triggers"] if "[A-Z]" not in p]
    fast = re.compile(factored(alternatives))
    every = re.compile("|".join(f"(?:{p})" for p in alternatives))
    examples = [e.lower() for spec in kb.raw["kinds"].values() for e in spec.get("examples", [])]
    assert examples
    for text in examples:
        for i in range(len(text)):
            assert bool(fast.match(text, i)) == bool(every.match(text, i)), (text, i)


def test_factoring_spreads_a_leading_group_and_keeps_the_rest():
    pattern = factored(["(?:met|meets) with", "phone call", "phone talks?", r"\d+-hour call"])
    for text in ("met with", "meets with", "phone call", "phone talk", "phone talks", "2-hour call"):
        assert re.fullmatch(f"(?:{pattern})", text), text
    for text in ("meet with", "phone", "hour call"):
        assert not re.fullmatch(f"(?:{pattern})", text), text


def test_cues_matched_in_lower_case_must_be_written_in_lower_case(tmp_path):
    import pytest
    import yaml

    from builder.events import DATA_PATH

    data = yaml.safe_load(DATA_PATH.read_text(encoding="utf-8"))
    data["irrealis"].append("Efforts to")
    path = tmp_path / "events.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ValueError, match="lower case"):
        knowledge(path)
    data["irrealis"][-1] = r"efforts\W+to"  # an escape in capitals is fine
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert knowledge(path).irrealis.search("their efforts to ")


def test_factoring_keeps_the_alternatives_of_each_pattern_apart():
    pattern = re.compile(f"(?:{factored(['read more|also read', 'tags'])})")
    for text in ("read more", "also read", "tags"):
        assert pattern.fullmatch(text), text
    assert not pattern.fullmatch("read moretags")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Ivan Petrov", "Petrov", "Petrovich", "Anna Petrov-Vodkina", "J. D. Vance", "Vance",
                                 "Ivan", "Anna"]), min_size=1, max_size=5),
       st.lists(st.sampled_from(["Ivan", "Petrov", "Petrovich", "Anna", "Petrov-Vodkina", "J.", "D.", "Vance", "xVance",
                                 "Petrov's", "and", ",", "-", "3"]), max_size=12).map(" ".join))
def test_capitalised_names_are_found_where_the_name_finder_finds_them(names, text):
    from builder.alternation import CapitalisedNames

    expected = [(m.start(), m.group(0)) for m in NameFinder(names).finditer(text)]
    assert CapitalisedNames(names).find(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aZé_-?“’ 1٣.\n", max_size=30))
def test_a_shadow_tells_words_digits_and_the_rest_apart_as_re_does(text):
    from builder.alternation import shadow

    shade = shadow(text)
    assert len(shade) == len(text) + 1 and shade[:1] == b" "
    for ch, byte in zip(text, shade[1:]):
        expected = (ch if ch.isascii() and (ch.isalpha() or ch in "-_") else "0" if re.match(r"\d", ch)
                    else "_" if re.match(r"\w", ch) else " ")
        assert chr(byte) == expected, (ch, byte)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["phone call", "phone talks", "met with", "Met", "Putin", "3-hour", "two-hour call",
                                 "called for", "called", "it", "the last call", "signed", "pre-signed", "x"]),
                max_size=8),
       st.lists(st.sampled_from([" ", "  ", "-", "“", "’", ", ", "é", "_", "\n"]), min_size=8, max_size=8))
def test_triggers_are_found_where_the_plain_patterns_find_them(words, gaps):
    from builder.events import _trigger_matches

    kb = knowledge()
    text = "".join(g + w for g, w in zip(gaps, words))
    low = lowered(text)
    plain = sorted([(m.start(), m.end(), m.lastgroup) for m in kb.triggers.finditer(low)]
                   + [(m.start(), m.end(), m.lastgroup) for m in kb.cased.finditer(text)])
    assert sorted((m.start(), m.end(), m.lastgroup) for m in _trigger_matches(text, low, kb)) == plain


def test_the_literal_beginnings_of_a_pattern_spread_its_groups():
    from builder.alternation import _heads

    assert _heads("(?:deal|pact) (?:was )?signed") == {"deal ", "pact "}
    assert _heads(r"(?:two|\d+)-hour (?:call|chat)") == {"two-hour call", "two-hour chat", "0"}
    assert _heads("talks?|rall(?:y|ies)") == {"talk", "rally", "rallies"}
    assert _heads("called(?= (?!for))|[A-Z]x") == {"called", ""}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["today", "mid-day", "xday", "new year", "new", "year", "é", "٣", "7", "said", "mon",
                                 "Monday", "_eve", "-", "“", " "]), max_size=10).map("".join))
def test_a_date_is_seen_where_the_dateish_pattern_sees_one(text):
    from builder.alternation import shadow
    from builder.events import _has_date

    kb = knowledge()
    low = lowered(text)
    assert _has_date(low, shadow(low), kb) == bool(kb.dateish.search(low))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["no", "not", "cannot", "know", "now", "efforts to", "would", "any", "x", " ", "-",
                                 "é", "_", "\n"]), max_size=8).map("".join))
def test_a_word_boundary_written_after_the_letter_matches_the_same(text):
    from builder.alternation import letter_first

    for p in (r"\bno (?:\w+ ){0,2}", r"\bnot", r"\bs?x", "any"):
        assert [m.span() for m in re.finditer(letter_first(p), text)] == [m.span() for m in re.finditer(p, text)]
    kb = knowledge()
    plain = re.compile("(?:" + "|".join(f"(?:{p})" for p in kb.raw["irrealis"]) + ")$")
    assert bool(kb.irrealis.search(text)) == bool(plain.search(text))


_EXAMPLES = [e for spec in knowledge().raw["kinds"].values() for e in spec["examples"]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_EXAMPLES + ["3-hour call", "Said", "x", "é", "٣", "-", "_", "“", ", "]), max_size=6),
       st.lists(st.sampled_from([" ", "", "-", "’s ", "\n"]), min_size=6, max_size=6))
def test_the_triggers_that_may_begin_at_a_character_match_there_as_all_of_them_do(examples, gaps):
    from builder.alternation import shadow
    
    kb = knowledge()
    low = lowered("".join(g + e for g, e in zip(gaps, examples)))
    shade = shadow(low)
    for i in range(len(low)):
        whole, chosen = kb.triggers.match(low, i), kb.triggers_at[shade[i + 1]].match(low, i)
        assert (whole and (whole.span(), whole.lastgroup)) == (chosen and (chosen.span(), chosen.lastgroup))


def test_the_first_bytes_of_a_pattern_are_those_of_its_literal_beginnings():
    from builder.alternation import first_bytes

    assert first_bytes("(?:deal|pact) (?:was )?signed") == {ord("d"), ord("p")}
    assert first_bytes(r"(?:two|\d+)-hour") == {ord("t"), ord("0")}
    assert first_bytes(r"\w+ said") is None
