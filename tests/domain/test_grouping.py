"""The theme team's assistant, its classical engine (the one every laptop has): groups, duplicates, word forms."""

import json
from pathlib import Path

from facilitation import grouping
from facilitation.grouping import Item

LABELLED = Path(__file__).resolve().parents[1] / "data" / "labelled-ideas.json"


def test_word_forms_and_accents_meet():
    assert grouping.fold("Più Città") == "piu citta"
    assert set(grouping.features("treni")) & set(grouping.features("treno")) >= {"w:tren"}
    assert set(grouping.features("Schools")) & set(grouping.features("school")) >= {"w:school"}
    assert grouping.words("Il bus x la città") == ["bus", "citta"]  # the little words say nothing of a group


def test_ideas_sharing_their_words_are_suggested_together_and_no_group_crosses_an_axis():
    items = [
        Item(1, "mobilita", "Treni più frequenti per i pendolari"),
        Item(2, "mobilita", "treno frequente x pendolari"),
        Item(3, "mobilita", "Più frequenti i treni dei pendolari, per favore"),
        Item(4, "mobilita", "Piste ciclabili sicure"),
        Item(5, "mobilita", "piste ciclabili sicure per andare a scuola"),
        Item(6, "verde", "Treni più frequenti per i pendolari"),
        Item(7, "verde", "Alberi nei cortili delle scuole"),
    ]
    groups = grouping.suggest(items, ["it", "en"], "classical")
    members = [set(g["ideas"]) for g in groups]
    assert {1, 2, 3} in members and {4, 5} in members
    assert all(len(g["ideas"]) > 1 for g in groups)
    assert not any({6, 7} & m for m in members)  # alone on its axis, each stays unsuggested
    trains = groups[members.index({1, 2, 3})]
    assert trains["axis"] == "mobilita" and set(trains["title"]) == {"it"}
    assert trains["title"]["it"] in {i.text for i in items[:3]}  # its most central idea proposes the title


def test_a_title_is_in_the_language_its_words_are_in():
    assert grouping.language("More trains for the commuters", ["it", "en"]) == "en"
    assert grouping.language("Più treni per i pendolari", ["it", "en"]) == "it"
    assert grouping.language("wifi", ["it", "en"]) == "it"  # unsure: the plan's first language


def test_duplicates_are_pairs_from_different_tables_on_the_same_axis():
    items = [
        Item(1, "mobilita", "Treni regionali più frequenti verso la Val di Susa", table=1),
        Item(2, "mobilita", "Più treni regionali frequenti per la Val di Susa", table=2),
        Item(3, "mobilita", "Più treni regionali frequenti per la Val di Susa", table=1),
        Item(4, "verde", "Più treni regionali frequenti per la Val di Susa", table=3),
        Item(5, "verde", "Orti condivisi nelle scuole", table=3),
    ]
    pairs = grouping.duplicates(items, "classical")
    assert {(p["a"], p["b"]) for p in pairs} == {(1, 2), (2, 3)}
    assert all(p["score"] >= grouping.DUPLICATE["classical"] for p in pairs)


def test_the_adjusted_rand_index_is_one_for_the_same_partition_and_near_zero_by_chance():
    assert grouping.adjusted_rand_index("aabbcc", "xxyyzz") == 1.0
    assert abs(grouping.adjusted_rand_index("aaabbb", "xyxyxy")) < 0.3


def test_the_classical_engine_is_no_worse_than_the_axis_alone_on_the_labelled_set():
    rows = json.loads(LABELLED.read_text())
    assert len(rows) >= 150 and {"it", "en"} <= {grouping.language(r["text"], ["it", "en"]) for r in rows}
    items = [Item(n, r["axis"], r["text"]) for n, r in enumerate(rows)]
    groups = grouping.suggest(items, ["it", "en"], "classical")
    suggested = {idea: f"group {n}" for n, g in enumerate(groups) for idea in g["ideas"]}
    truth = [r["label"] for r in rows]
    score = grouping.adjusted_rand_index(truth, [suggested.get(n, f"alone {n}") for n in range(len(rows))])
    axis_alone = grouping.adjusted_rand_index(truth, [r["axis"] for r in rows])
    assert score > 0.25 and score > axis_alone - 0.05, (score, axis_alone)


def test_groups_do_not_crumble_when_many_tables_write_the_same_things():
    """A hall: each labelled idea written three times (a letter dropped here and there). A fixed height on
    Ward's tree, tuned on the labelled set, cut this into 192 groups of near-copies (about one per idea); the
    cut where the tree jumps most still finds groups about the size of the themes."""
    rows = json.loads(LABELLED.read_text())
    items = [
        Item(
            3 * n + k,
            r["axis"],
            r["text"]
            if k == 0
            else r["text"][: (7 * k + n) % len(r["text"])] + r["text"][(7 * k + n) % len(r["text"]) + 1 :],
        )
        for n, r in enumerate(rows)
        for k in range(3)
    ]
    groups = grouping.suggest(items, ["it", "en"], "classical")
    labels = {r["label"] for r in rows}
    assert len(labels) // 2 <= len(groups) <= 2 * len(labels), len(groups)
    assert sum(len(g["ideas"]) for g in groups) > 0.9 * len(items)  # nearly every idea in a group
    assert all(len({rows[i // 3]["axis"] for i in g["ideas"]}) == 1 for g in groups)


def test_a_search_finds_every_word_in_some_form_or_as_written():
    texts = {1: "Più treni per Torino", 2: "Bus notturni", 3: "Città più verde", 4: "Schools need repairs"}
    assert grouping.search(texts, "treno") == [1]
    assert grouping.search(texts, "citta") == [3]  # accents aside
    assert grouping.search(texts, "school repair") == [4]
    assert grouping.search(texts, "treno bus") == []  # every word
    assert grouping.search(texts, "not") == [2]  # as written, inside a word
    assert grouping.search(texts, "  ") == []


def test_a_split_of_sentence_embeddings_is_drawn_again_where_it_spreads_less_and_a_tight_one_is_kept():
    """Embeddings (dense rows) cut by Ward's tree are split again by k-means into as many groups, kept only
    where the groups are tighter: Ward never moves an idea once two groups are joined."""
    import numpy as np

    rng = np.random.default_rng(7)
    themes = np.eye(16)[[0, 1]]  # two things people say, in 16 dimensions
    rows = grouping._normalised(np.repeat(themes, 10, axis=0) + rng.normal(0, 0.15, (20, 16)))
    truth = np.repeat([1, 2], 10)
    loose = truth.copy()
    loose[[0, 1, 2, 10, 11]] = [2, 2, 2, 1, 1]  # five ideas on the wrong side
    again = grouping._least_spread(rows, loose)
    assert grouping.adjusted_rand_index(truth, again) == 1.0 and len(set(again)) == 2
    assert (grouping._least_spread(rows, loose) == again).all()  # the same answer every time
    assert (grouping._least_spread(rows, truth) == truth).all()  # nothing tighter: kept as it was


def test_the_direction_of_a_language_is_taken_out_of_sentence_embeddings_so_the_english_ideas_join_their_themes():
    """A multilingual model places a text by what it says and by its language: in a hall writing mostly in
    Italian, a cut into two groups took the English ideas for a theme of their own. With the direction between
    the languages taken out (found from the texts' little words), the two groups are the two themes."""
    import numpy as np

    rng = np.random.default_rng(11)
    theme, tongue = np.eye(16)[[0, 1]], np.eye(16)[[2, 3]]  # two things people say; Italian and English
    said = [(t, lang) for t in (0, 1) for lang in (0,) * 7 + (1,) * 3]  # each theme: 7 in Italian, 3 in English
    rows = grouping._normalised(
        np.array([theme[t] + 1.6 * tongue[lang] for t, lang in said]) + rng.normal(0, 0.12, (len(said), 16))
    )
    texts = [("più corse per la valle" if lang == 0 else "more buses for the valley") for _t, lang in said]
    truth = [t for t, _lang in said]

    def grouped(matrix) -> list:
        groups = grouping._clusters(matrix, "embeddings", None)
        label = {row: n for n, rows in enumerate(groups) for row in rows}
        return [label.get(row, f"alone {row}") for row in range(len(said))]

    as_given = grouped(rows)  # as the model gives them, the English ideas of both themes are one group
    english = [row for row, (_t, lang) in enumerate(said) if lang == 1]
    assert len({as_given[row] for row in english}) == 1 and grouping.adjusted_rand_index(truth, as_given) < 0.6
    taken_out = grouping._without_language(rows, texts, ["it", "en"])
    assert np.allclose(np.linalg.norm(taken_out, axis=1), 1.0)
    assert grouping.adjusted_rand_index(truth, grouped(taken_out)) == 1.0
    # one language alone, or a second one written only once: nothing to take out
    assert (grouping._without_language(rows, ["più corse per la valle"] * len(said), ["it", "en"]) == rows).all()
    once = ["more buses for the valley"] + ["più corse per la valle"] * (len(said) - 1)
    assert (grouping._without_language(rows, once, ["it", "en"]) == rows).all()
