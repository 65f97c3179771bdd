"""Chinese word segmentation for the catalogue index, at index time and at query time.

Why jieba and not character n-grams: jieba's search mode (``cut_for_search``) emits both the
words and the dictionary sub-words inside them (数控机床 → 数控 / 机床 / 数控机床), so a teacher's
sub-word query matches and a whole-word query still ranks whole-word hits first; the index stays
small (about one token per word instead of one per character pair) and tokens are real words,
which is what ts_rank / bm25 rank well. Bigrams would also match every accidental character pair
across word boundaries (控机, 床编) and grow the index several-fold. jieba works offline with its
bundled dictionary; a small user dictionary (textbooks/userdict.txt) adds domain words the general
dictionary splits (大数据, 新能源汽车, 电池管理系统 …).

The user dictionary is a static file rather than the live Major and Course names on purpose:
index time and query time must segment alike, so the dictionary may only change together with
``manage.py catalog_index rebuild``. Queries are also robust against a segmentation mismatch:
each query word matches either itself or all of its sub-words (see ``parse_query``).

The segmented text is what reaches every index (SQLite FTS5, PostgreSQL tsvector): words are
lower-cased and joined by spaces, so English words inside Chinese titles (Python, BMS, G71)
are separate, case-insensitive tokens.
"""

import re
from dataclasses import dataclass, field

from textbooks.segmentation import tokenizer
from textbooks.validators import isbn13_check_digit, normalize_isbn

# Function words that carry no meaning on their own in a catalogue query.
STOP_WORDS = frozenset("与 和 及 的 之 或 版 式".split())
# A token worth indexing holds at least one letter, digit or CJK character.
WORD = re.compile(r"[\w\u4e00-\u9fff]")
ISBN = re.compile(r"(?<![\d-])(?:97[89][\d\s-]{10,16}\d|\d[\d\s-]{8,12}[\dXx])(?![\d-])")


def _clean(tokens):
    for token in tokens:
        token = token.strip().lower()
        if token and token not in STOP_WORDS and WORD.search(token):
            yield token


def index_tokens(text):
    """The words and sub-words of ``text`` for an index, in order (repeats kept for ranking)."""
    return list(_clean(tokenizer().cut_for_search(text or "")))


def index_text(*texts):
    """Space-joined index tokens of ``texts``: what the database and Elasticsearch store."""
    return " ".join(token for text in texts for token in index_tokens(text))


@dataclass(frozen=True)
class Term:
    """One query word: matches a document containing ``word``, or all of ``parts``."""

    word: str
    parts: tuple = ()


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple = field(default_factory=tuple)
    isbns: tuple = field(default_factory=tuple)

    def __bool__(self):
        return bool(self.terms or self.isbns)


def isbn13(text):
    """The 13-digit form of an ISBN as typed (hyphens, spaces, the older 10-digit form)."""
    digits = normalize_isbn(text).upper()
    if len(digits) == 10:
        return "978" + digits[:9] + isbn13_check_digit("978" + digits[:9])
    return digits


def parse_query(text):
    """Split a teacher's query into ISBNs (matched exactly) and words (matched as terms)."""
    text = text or ""
    isbns = tuple(isbn13(m.group()) for m in ISBN.finditer(text))
    rest = ISBN.sub(" ", text)
    terms = []
    seen = set()
    for word in _clean(tokenizer().cut(rest)):
        if word in seen:
            continue
        seen.add(word)
        parts = tuple(
            dict.fromkeys(
                part
                for part in _clean(tokenizer().cut_for_search(word))
                if part != word and len(part) < len(word)
            )
        )
        terms.append(Term(word, parts))
    return ParsedQuery(tuple(terms), isbns)


# Pieces of a query that found nothing, matched inside titles to suggest the nearest ones:
# its words (jieba), two-character pieces and single characters, worth 3, 2 and 1.
NEAR_WEIGHTS = {"word": 3, "pair": 2, "character": 1}
# A title must share at least a pair or two characters: one shared character (力 of 力学 in
# 动力电池) is chance, not nearness.
MIN_NEARNESS = 2
MAX_NEAR_PIECES = 24
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
LATIN_RUN = re.compile(r"[a-z0-9]{2,}")


def near_pieces(text):
    """[(piece, weight)] of ``text`` (ISBNs left out), most telling first: a title holding
    more of them, and longer ones, is nearer."""
    text = ISBN.sub(" ", text or "").lower()
    pieces = {}

    def add(piece, weight):
        if piece not in STOP_WORDS and weight > pieces.get(piece, 0):
            pieces[piece] = weight

    for word in _clean(tokenizer().cut(text)):
        if len(word) > 1:
            add(word, NEAR_WEIGHTS["word"])
    for run in CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            add(run[i : i + 2], NEAR_WEIGHTS["pair"])
        for character in run:
            add(character, NEAR_WEIGHTS["character"])
    for run in LATIN_RUN.findall(text):
        add(run, NEAR_WEIGHTS["pair"])
    ranked = sorted(pieces.items(), key=lambda item: (-item[1], -len(item[0])))
    return ranked[:MAX_NEAR_PIECES]
