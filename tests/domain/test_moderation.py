"""Ideas held for review, against the domain alone."""

from facilitation.domain.moderation import held_words, is_held


def test_a_held_word_holds_whatever_its_case_or_accents():
    assert held_words("Che STRONZÒ questo piano") == ["stronzo"]
    assert held_words("Basta con questa merda di traffico, fuck") == ["merda", "fuck"]
    assert held_words("Assessore: scherzo, è un ottimo piano") == []  # whole words only


def test_the_plans_own_words_are_held_too():
    assert held_words("Il sindaco Rossi è un incapace", frozenset({"Incapace"})) == ["incapace"]


def test_pre_moderation_holds_participants_ideas_and_a_held_word_holds_anyones():
    assert is_held(True, True, "Più bus")
    assert not is_held(True, False, "Più bus")  # a table facilitator's idea goes up
    assert not is_held(False, True, "Più bus")
    assert is_held(False, False, "che merda")
