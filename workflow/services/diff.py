"""What changed between two editions of a textbook, in words a teacher can read.

Leaves are compared through the editions' manifests (added, removed, reordered, changed).
Inside a changed leaf, one mechanism compares every block type — rich text, work-task steps and
checklist items, tables, a swapped media resource — and reports labelled fields
("工作任务 · 工作步骤 第 2 项 · 操作要领") that were added, removed, changed or moved.

Blocks and list items are aligned, not looked up by id: an id both versions hold pairs its
items, and everything else is paired by content. The page editor gives new ids to blocks and
list items saved without one (the demo data, anything imported), so matching only by id would
report an untouched work task as deleted and re-added after a one-sentence edit.

Within a changed text, highlights follow words (jieba for Chinese; Latin words and numbers
whole), and changes separated by a single character are merged, so a reader sees 润滑油 → 液压油
rather than a scatter of single characters.

Resources are read as each edition pins them, so a file or title replaced between two
editions shows as a change of the leaves that show it.
"""

import bisect
import difflib
import itertools
import json
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from functools import cached_property
from html import unescape

from django.template.defaultfilters import filesizeformat
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageBlock

from media.models import MediaAsset
from textbooks.blocks import LeafStreamBlock
from textbooks.segmentation import tokenizer
from workflow.models import Edition
from workflow.services.assets import edition_pins, revision_asset_ids

# Two items in a replaced run are the same item, edited, from this similarity on (0–1).
SIMILAR = 0.5
# Pairing a replaced run compares every old item with every new one; beyond this many
# comparisons items are paired by position instead (a rewritten 200-item list stays linear).
MAX_COMPARISONS = 400
# Unchanged text shown on either side of a change, in characters, before it is elided (…).
CONTEXT = 40
# Items this short (both together, in characters) are compared character by character; longer
# ones by the pairs of characters they share, which costs little however long a work task grows.
SHORT = 600

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN = rf"[^\W{_CJK}]+"
# A Latin word or number keeps its inner dots, hyphens and apostrophes: 0.5, L-HG68, don't.
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK}]+)|{_LATIN}(?:[.'’\-]{_LATIN})*|\s+|.", re.S)
_SENTENCE_END = re.compile(r"[。！？；!?;\n]|\.(?=\s)")
_TAG = re.compile(r"<[^>]*>")
# Draftail writes a new random key on each paragraph it saves that had none.
_BLOCK_KEY = re.compile(r' data-block-key="[^"]*"')

# A side of a comparison that does not hold the item at all (as opposed to an empty value).
_ABSENT = object()


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    # A swapped resource or a changed choice reads as "old → new", not as a word diff.
    whole: bool = False
    # A block or list item that moved: its 1-based position in the older version.
    moved_from: int | None = None

    @property
    def kind(self):
        if self.moved_from is not None:
            return "moved"
        return "added" if not self.old else "removed" if not self.new else "changed"

    @property
    def segments(self):
        """[(op, text)] with op in equal/insert/delete, for <ins>/<del> rendering.

        Long unchanged stretches are cut to the words next to a change (…)."""
        return _elide(_word_diff(self.old, self.new))


@dataclass
class LeafDiff:
    page_id: int
    title: str
    status: str  # added / removed / changed / unchanged
    moved: bool = False
    changes: list = field(default_factory=list)

    @property
    def status_label(self):
        return {
            "added": _("新增活页"),
            "removed": _("删除活页"),
            "changed": _("修改"),
            "unchanged": _("未改动"),
        }[self.status]


@dataclass
class EditionDiff:
    old: Edition
    new: Edition
    leaves: list
    editions_between: list  # the editions after ``old`` up to and including ``new``

    @property
    def changed_leaves(self):
        return [leaf for leaf in self.leaves if leaf.status != "unchanged" or leaf.moved]


# Words ----------------------------------------------------------------------------------------


class _WordBounds:
    """The offsets in a text where a word starts or ends (``offset in bounds``). Chinese is cut
    into words by jieba, clause by clause and only in the clauses asked about, so a long text
    with one change costs the segmentation of one clause."""

    def __init__(self, text):
        self.text = text
        self.tokens = [(m.start(), m.end(), bool(m.group("cjk"))) for m in _TOKEN.finditer(text)]
        self.starts = [start for start, _end, _cjk in self.tokens]
        self.cut = {}  # token index → word ends inside that Chinese run

    def __contains__(self, offset):
        if offset <= 0 or offset >= len(self.text):
            return True
        index = bisect.bisect_right(self.starts, offset) - 1
        start, end, cjk = self.tokens[index]
        if offset == start:
            return True
        if not cjk:
            return False
        if index not in self.cut:
            # Dictionary words only: jieba's HMM invents words across the edges of a change
            # (再验电 → 再验 / 电, 再用万用表 → 再用 / 万用表), which would widen the marks.
            words = tokenizer().cut(self.text[start:end], HMM=False)
            self.cut[index] = set(itertools.accumulate(map(len, words), initial=start))
        return offset in self.cut[index]


def _sentences(text):
    """``text`` cut after each sentence end; the pieces join up to ``text``."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start : match.end()])
        start = match.end()
    return [*pieces, text[start:]] if start < len(text) else pieces


def _char_opcodes(old, new):
    """SequenceMatcher opcodes of a character diff, found sentence by sentence: unchanged
    sentences are matched whole, characters only compared inside changed ones, so a long text
    costs what its changes cost."""
    old_pieces, new_pieces = _sentences(old), _sentences(new)
    old_at = [0, *itertools.accumulate(map(len, old_pieces))]
    new_at = [0, *itertools.accumulate(map(len, new_pieces))]
    opcodes = []
    sentences = difflib.SequenceMatcher(None, old_pieces, new_pieces, autojunk=False)
    for op, i0, i1, j0, j1 in sentences.get_opcodes():
        a0, a1, b0, b1 = old_at[i0], old_at[i1], new_at[j0], new_at[j1]
        if op == "equal":
            found = [("equal", 0, a1 - a0, 0, b1 - b0)]
        else:
            chars = difflib.SequenceMatcher(None, old[a0:a1], new[b0:b1], autojunk=False)
            found = chars.get_opcodes()
        for op, x0, x1, y0, y1 in found:
            if op == "equal" and opcodes and opcodes[-1][0] == "equal":
                opcodes[-1] = ("equal", opcodes[-1][1], a0 + x1, opcodes[-1][3], b0 + y1)
            else:
                opcodes.append((op, a0 + x0, a0 + x1, b0 + y0, b0 + y1))
    return opcodes


def _word_diff(old, new):
    """A character diff of ``old`` and ``new`` whose changes are widened to whole words.

    Characters first, then words: jieba may cut the same phrase differently in the old and the
    new sentence, so a word-level diff would flag unchanged words whose neighbours changed."""
    opcodes = _char_opcodes(old, new)
    old_bounds, new_bounds = _WordBounds(old), _WordBounds(new)
    runs = []  # [op, old text, new text], op "equal" or "change"

    def change(before, after):
        if runs and runs[-1][0] == "change":
            runs[-1][1] += before
            runs[-1][2] += after
        else:
            runs.append(["change", before, after])

    last = len(opcodes) - 1
    for index, (op, a0, a1, b0, b1) in enumerate(opcodes):
        if op != "equal":
            change(old[a0:a1], new[b0:b1])
            continue
        # Unchanged text is the same in both, so a change widens into it in step on both sides
        # until it reaches a word boundary in both.
        head = 0
        if index > 0:
            while head < a1 - a0 and not (a0 + head in old_bounds and b0 + head in new_bounds):
                head += 1
        tail = 0
        if index < last:
            while tail < a1 - a0 - head and not (
                a1 - tail in old_bounds and b1 - tail in new_bounds
            ):
                tail += 1
        middle = old[a0 + head : a1 - tail]
        if head:
            change(old[a0 : a0 + head], old[a0 : a0 + head])
        if 0 < index < last and len(middle.strip()) <= 1:
            change(middle, middle)  # one character between two changes: one change
        elif middle:
            runs.append(["equal", middle, middle])
        if tail:
            change(old[a1 - tail : a1], old[a1 - tail : a1])

    segments = []
    for op, before, after in runs:
        if op == "equal":
            segments.append(("equal", before))
            continue
        if before:
            segments.append(("delete", before))
        if after:
            segments.append(("insert", after))
    return segments


def _context_before(text):
    """The end of unchanged text before a change: the changed sentence's start, at most CONTEXT
    characters."""
    if len(text) <= CONTEXT:
        return text
    window = text[-CONTEXT:]
    ends = [match.end() for match in _SENTENCE_END.finditer(window)]
    return "…" + window[ends[-1] :] if ends else "…" + window


def _context_after(text):
    """The start of unchanged text after a change: the rest of the changed sentence."""
    if len(text) <= CONTEXT:
        return text
    window = text[:CONTEXT]
    end = _SENTENCE_END.search(window)
    return (window[: end.end()] if end else window) + "…"


def _elide(segments):
    last = len(segments) - 1
    out = []
    for index, (op, text) in enumerate(segments):
        if op == "equal":
            if index == 0:
                text = _context_before(text)
            elif index == last:
                text = _context_after(text)
            elif len(text) > 2 * CONTEXT:
                text = _context_after(text) + _context_before(text)[1:]
        out.append((op, text))
    return out


# Alignment ------------------------------------------------------------------------------------


def _canonical(raw):
    """``raw`` without the ids Wagtail gives blocks, list items and rich-text paragraphs, and
    with list items in one shape (plain values and {type: item, value, id} alike): equal
    content, equal value."""
    if isinstance(raw, str):
        return _BLOCK_KEY.sub("", raw)
    if isinstance(raw, list):
        return [_canonical(value) for value in raw]
    if isinstance(raw, dict):
        if "type" in raw and "value" in raw and set(raw) <= {"type", "value", "id"}:
            value = _canonical(raw["value"])
            return value if raw["type"] == "item" else [raw["type"], value]
        return {key: _canonical(value) for key, value in raw.items()}
    return raw


def _strings(canonical):
    """The text of a canonical value, tags dropped: what similarity is measured on."""
    if isinstance(canonical, str):
        return [_TAG.sub("", canonical)]
    if isinstance(canonical, dict):
        canonical = list(canonical.values())
    if isinstance(canonical, list):
        return [text for value in canonical for text in _strings(value)]
    return [] if canonical is None or isinstance(canonical, bool) else [str(canonical)]


class _Item:
    """A block of a StreamBlock, an item of a ListBlock or a row of a table, to be aligned."""

    def __init__(self, kind, value, id=None):
        self.kind = kind  # the block type in a StreamBlock; one kind in a list or a table
        self.value = value
        self.id = id
        canonical = _canonical(value)
        self.fingerprint = json.dumps([kind, canonical], sort_keys=True, ensure_ascii=False)
        self.text = "\n".join(_strings(canonical))

    @cached_property
    def bigrams(self):
        return Counter(self.text[i : i + 2] for i in range(len(self.text) - 1))


def _similarity(old, new):
    """How much of two items' text is the same, 0–1."""
    if old.kind != new.kind or not (old.text and new.text):
        return 0.0
    if len(old.text) + len(new.text) <= SHORT:
        matcher = difflib.SequenceMatcher(None, old.text, new.text, autojunk=False)
        if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
            return 0.0
        return matcher.ratio()
    shared = sum((old.bigrams & new.bigrams).values())
    return 2 * shared / (old.bigrams.total() + new.bigrams.total())


def _pair_similar(old, new):
    """Order-preserving pairs (i, j) of a replaced run whose items are similar enough to be one
    item edited: the pairing with the greatest total similarity."""
    n, m = len(old), len(new)
    if n * m > MAX_COMPARISONS:
        return [(i, i) for i in range(min(n, m)) if _similarity(old[i], new[i]) >= SIMILAR]
    scores = [[_similarity(a, b) for b in new] for a in old]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n):
        for j in range(m):
            paired = best[i][j] + scores[i][j] if scores[i][j] >= SIMILAR else 0.0
            best[i + 1][j + 1] = max(best[i][j + 1], best[i + 1][j], paired)
    pairs, i, j = [], n, m
    while i and j:
        if best[i][j] == best[i - 1][j]:
            i -= 1
        elif best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


def _longest_in_order(pairs):
    """The old indices of a longest chain of ``pairs`` (i, j), given sorted by i, whose j rise
    too (patience sorting, remembering each link's predecessor)."""
    tails, tail_at, before = [], [], {}
    for i, j in pairs:
        k = bisect.bisect_left(tails, j)
        before[i] = tail_at[k - 1] if k else None
        tails[k : k + 1], tail_at[k : k + 1] = [j], [i]
    chain, i = set(), tail_at[-1] if tail_at else None
    while i is not None:
        chain.add(i)
        i = before[i]
    return chain


def _in_order(partners, fingerprints):
    """Give identical items (one fingerprint) their partners in ascending order: which of two
    equal work tasks pairs with which is arbitrary, and a crossing would read as a move."""
    groups = defaultdict(list)
    for index in partners:
        groups[fingerprints[index]].append(index)
    for members in groups.values():
        for index, partner in zip(
            sorted(members), sorted(partners[m] for m in members), strict=True
        ):
            partners[index] = partner


def _align(old, new):
    """Rows (i, j, moved) pairing the _Items of two versions, in reading order; i or j is None
    for an item only one version holds.

    Items are keyed by id where both versions hold that id, else by content, and the keys
    aligned as sequences; in each replaced run similar items are paired as edits. Items left
    over on both sides are paired by key, then by similarity: the same item moved, perhaps
    edited too. A pair out of order with the others has moved."""
    shared = {(item.kind, item.id) for item in old if item.id} & {
        (item.kind, item.id) for item in new if item.id
    }

    def key(item):
        return ("id", item.kind, item.id) if (item.kind, item.id) in shared else item.fingerprint

    old_keys, new_keys = [key(item) for item in old], [key(item) for item in new]
    partner = {}  # old index → new index
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            partner.update((a0 + k, b0 + k) for k in range(a1 - a0))
        elif op == "replace":
            partner.update((a0 + i, b0 + j) for i, j in _pair_similar(old[a0:a1], new[b0:b1]))

    unpaired = defaultdict(deque)
    for j in sorted(set(range(len(new))) - set(partner.values())):
        unpaired[new_keys[j]].append(j)
    for i in range(len(old)):
        if i not in partner and unpaired[old_keys[i]]:
            partner[i] = unpaired[old_keys[i]].popleft()
    left_old = [i for i in range(len(old)) if i not in partner]
    left_new = [j for queue in unpaired.values() for j in queue]
    if len(left_old) * len(left_new) <= MAX_COMPARISONS:
        scored = [(_similarity(old[i], new[j]), i, j) for i in left_old for j in left_new]
        taken = set()
        for score, i, j in sorted(scored, key=lambda s: -s[0]):
            if score >= SIMILAR and i not in partner and j not in taken:
                partner[i] = j
                taken.add(j)

    _in_order(partner, [item.fingerprint for item in old])
    by_new = {j: i for i, j in partner.items()}
    _in_order(by_new, [item.fingerprint for item in new])

    steady = _longest_in_order(sorted((i, j) for j, i in by_new.items()))
    steady_old = sorted(steady)
    steady_new = sorted(j for j, i in by_new.items() if i in steady)
    # Reading order: the newer version's, each removed item after the steady item before it.
    placed = [(j, 0, by_new.get(j), j) for j in range(len(new))]
    for i in sorted(set(range(len(old))) - set(by_new.values())):
        k = bisect.bisect_left(steady_old, i)
        placed.append((steady_new[k - 1] + 0.5 if k else -0.5, i, i, None))
    return [
        (i, j, j is not None and i is not None and i not in steady)
        for _at, _order, i, j in sorted(placed, key=lambda p: p[:2])
    ]


# Fields ---------------------------------------------------------------------------------------


def _text(value):
    return re.sub(r"\s+", " ", str(value)).strip()


def _html_text(value):
    return _text(unescape(strip_tags(str(value))))


def _join(label, part):
    return f"{label} · {part}" if label else str(part)


# The _Items of a raw value; none of an _ABSENT one (neither a list nor a dict).


def _list_items(raw):
    """ListBlock raw data, old (plain values) or new ({type: item, value, id}) format."""
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            yield _Item("item", item["value"], item.get("id"))
        else:
            yield _Item("item", item)


def _stream_items(raw):
    for child in raw if isinstance(raw, list) else []:
        yield _Item(child["type"], child.get("value"), child.get("id"))


def _table_rows(raw):
    for row in (raw if isinstance(raw, dict) else {}).get("data") or []:
        yield _Item("row", row)


def _child(raw, name):
    if raw is _ABSENT:
        return _ABSENT
    return raw.get(name) if isinstance(raw, dict) else None


def _image_struct(raw):
    # Older data stores an ImageBlock as the bare image id.
    return {"image": raw} if raw is not _ABSENT and not isinstance(raw, dict) else raw


def _row_text(raw):
    return "" if raw is _ABSENT else _text(" | ".join(str(cell or "") for cell in raw or []))


class BlockDiffer:
    """Compares raw values of a block, field by field; remembers the chosen objects it named."""

    def __init__(self, assets=None):
        self._names = {}
        self._assets = assets or {}

    def changes(self, block, old, new, label=""):
        """FieldChanges from ``old`` to ``new``, raw values of ``block`` (_ABSENT: not there)."""
        if isinstance(block, ImageBlock):
            old, new = _image_struct(old), _image_struct(new)
        if isinstance(block, blocks.BaseStructBlock):
            for name, child in block.child_blocks.items():
                # An image is labelled by the block holding it, not by Wagtail's "Image".
                own = isinstance(block, ImageBlock) and name == "image"
                child_label = label if own else _join(label, child.label)
                yield from self.changes(child, _child(old, name), _child(new, name), child_label)
        elif isinstance(block, blocks.ListBlock):
            yield from self._sequence(
                _list_items(old),
                _list_items(new),
                lambda item, n: _("%(label)s 第 %(n)s 项") % {"label": label, "n": n},
                lambda item, a, b, at: self.changes(block.child_block, a, b, at),
            )
        elif isinstance(block, blocks.BaseStreamBlock):
            yield from self._sequence(
                _stream_items(old),
                _stream_items(new),
                lambda item, n: _join(label, _kind_label(block, item.kind)),
                lambda item, a, b, at: (
                    self.changes(block.child_blocks[item.kind], a, b, at)
                    if item.kind in block.child_blocks
                    else ()
                ),
            )
        elif isinstance(block, TableBlock):
            yield from self._sequence(
                _table_rows(old),
                _table_rows(new),
                lambda item, n: _("%(label)s 第 %(n)s 行") % {"label": label, "n": n},
                lambda item, a, b, at: _changed(at, _row_text(a), _row_text(b)),
            )
        else:
            before, after = self._field_text(block, old), self._field_text(block, new)
            whole = isinstance(
                block, blocks.ChooserBlock | blocks.BooleanBlock | blocks.ChoiceBlock
            )
            yield from _changed(label, before, after, whole=whole)

    def _sequence(self, old, new, label_at, compare):
        """FieldChanges between two versions of a sequence of _Items. ``label_at(item, n)``
        labels the item at 1-based position n; ``compare(item, old, new, label)`` compares
        the raw values of one item (_ABSENT on the side that lacks it)."""
        old, new = list(old), list(new)
        for i, j, moved in _align(old, new):
            item = new[j] if j is not None else old[i]
            label = label_at(item, (i if j is None else j) + 1)
            before = old[i].value if i is not None else _ABSENT
            after = new[j].value if j is not None else _ABSENT
            if moved:
                summary = " ".join(c.new for c in compare(item, _ABSENT, after, label))
                summary = summary if len(summary) <= CONTEXT else summary[:CONTEXT] + "…"
                yield FieldChange(label, summary, summary, moved_from=i + 1)
            if i is None or j is None or old[i].fingerprint != new[j].fingerprint:
                yield from compare(item, before, after, label)

    def _field_text(self, block, raw):
        if raw is _ABSENT:
            return ""
        if isinstance(block, blocks.ChooserBlock):
            return self._name(block, raw) if raw else ""
        if isinstance(block, blocks.RichTextBlock):
            return _html_text(raw or "")
        if isinstance(block, blocks.BooleanBlock):
            return _("是") if raw else _("否")
        if isinstance(block, blocks.ChoiceBlock):
            return str(dict(block.field.choices).get(raw, raw or ""))
        # Plain text (a formula's LaTeX, a checklist item) is compared as typed: "0<t<T, T>0"
        # holds no tag to strip.
        return _text(raw if raw is not None else "")

    def _name(self, block, pk):
        """A chosen media asset, image or page as a reader knows it: by its title."""
        key = (block.model_class, pk)
        if key not in self._names:
            chosen = self._assets.get(pk) if block.model_class is MediaAsset else None
            if chosen is None:
                chosen = block.model_class._default_manager.filter(pk=pk).first()
            if chosen is None:
                self._names[key] = ""
            elif hasattr(chosen, "get_kind_display"):
                self._names[key] = _("《%(title)s》（%(kind)s）") % {
                    "title": chosen.title,
                    "kind": chosen.get_kind_display(),
                }
            else:
                self._names[key] = _("《%(title)s》") % {"title": chosen}
        return self._names[key]


def _changed(label, before, after, whole=False):
    return [FieldChange(label, before, after, whole=whole)] if before != after else []


def _kind_label(stream_block, kind):
    child = stream_block.child_blocks.get(kind)
    return child.label if child is not None else kind


def compare_streams(old, new, assets=None):
    """FieldChanges between two raw values of a leaf's body (StreamField JSON); ``assets``
    ({asset id: pinned copy}) names resources as an edition pins them."""
    return list(BlockDiffer(assets).changes(LeafStreamBlock(), old, new))


# Leaves and editions --------------------------------------------------------------------------


def _stored(revision):
    """A leaf revision's fields as stored: as_object() would cost several queries a revision,
    and serialising its body again would give list items fresh ids."""
    content = revision.content
    body = content.get("body") or []
    return {
        "title": content.get("title") or revision.object_str,
        "number": content.get("number") or "",
        "summary": content.get("summary") or "",
        "body": json.loads(body) if isinstance(body, str) else body,
    }


def _describe(asset):
    return _("《%(title)s》（%(kind)s，%(size)s）") % {
        "title": asset.title,
        "kind": asset.get_kind_display(),
        "size": filesizeformat(asset.size),
    }


def asset_changes(asset_ids, before, after):
    """How the assets ``asset_ids`` changed from ``before`` to ``after`` ({id: pinned copy or
    asset row}), for the same leaf content: a replaced file, a new title, kind, poster or
    captions."""
    changes = []
    for asset_id in dict.fromkeys(asset_ids):
        old, new = before.get(asset_id), after.get(asset_id)
        if old is None or new is None:
            continue  # a swapped resource is a change of the leaf's own content
        if old.sha256 != new.sha256:
            label = _("资源已替换")
        elif old.title != new.title:
            label = _("资源标题已修改")
        elif old.kind != new.kind:
            label = _("资源类型已修改")
        elif old.poster_key != new.poster_key:
            label = _("资源封面图已更换")
        elif old.transcript != new.transcript:
            label = _("资源字幕或文字稿已修改")
        else:
            continue
        changes.append(FieldChange(label, _describe(old), _describe(new), whole=True))
    return changes


def compare_leaf(old_revision, new_revision, old_assets=None, new_assets=None):
    """FieldChanges between two revisions of one leaf: its title, number, learning objectives
    and body. The one comparison behind the public comparison, submitting and reviewing.

    Given the assets each side pins ({asset id: pinned copy}), resources are named as pinned
    (one name per asset, so a resource kept in place compares equal) and how a kept
    resource's copy was replaced is told once, after the fields."""
    old, new = _stored(old_revision), _stored(new_revision)
    changes = [
        FieldChange(label, old[name], new[name])
        for name, label in (
            ("title", _("标题")),
            ("number", _("单元编号")),
            ("summary", _("学习目标")),
        )
        if old[name] != new[name]
    ]
    pinned = {**(old_assets or {}), **(new_assets or {})}
    changes += compare_streams(old["body"], new["body"], pinned)
    if old_assets is not None and new_assets is not None:
        changes += asset_changes(revision_asset_ids(new_revision), old_assets, new_assets)
    return changes


def front_matter_changes(fields):
    """FieldChanges of the textbook page's front matter (workflow.services.changes
    .front_matter): the title, overview and preface that changed, as text."""
    as_text = lambda field, value: _html_text(value) if field.is_html else _text(value)  # noqa: E731
    return [
        FieldChange(field.label, as_text(field, field.before), as_text(field, field.after))
        for field in fields
        if field.changed
    ]


def diff_editions(old, new):
    """Compare two editions of one textbook (``old`` published before ``new``)."""
    if old.textbook_id != new.textbook_id:
        raise ValueError("editions of different textbooks")
    if (old.major, old.minor) > (new.major, new.minor):
        old, new = new, old
    old_rows = {row.page_id: row for row in old.leaves.select_related("revision", "page")}
    new_rows = {row.page_id: row for row in new.leaves.select_related("revision", "page")}
    common_old = [
        pid
        for pid, _r in sorted(old_rows.items(), key=lambda kv: kv[1].position)
        if pid in new_rows
    ]
    common_new = [
        pid
        for pid, _r in sorted(new_rows.items(), key=lambda kv: kv[1].position)
        if pid in old_rows
    ]
    moved = {pid for pid, a, b in zip(common_old, common_old, common_new, strict=True) if a != b}

    old_pins, new_pins = edition_pins(old), edition_pins(new)
    leaves = []
    for pid, row in sorted(new_rows.items(), key=lambda kv: kv[1].position):
        title = _stored(row.revision)["title"]
        if pid not in old_rows:
            leaves.append(LeafDiff(pid, title, "added"))
        elif old_rows[pid].revision_id == row.revision_id:
            # The same content can show a replaced resource (a new pinned copy).
            changes = asset_changes(revision_asset_ids(row.revision), old_pins, new_pins)
            status = "changed" if changes else "unchanged"
            leaves.append(LeafDiff(pid, title, status, moved=pid in moved, changes=changes))
        else:
            changes = compare_leaf(old_rows[pid].revision, row.revision, old_pins, new_pins)
            status = "changed" if changes else "unchanged"
            leaves.append(LeafDiff(pid, title, status, moved=pid in moved, changes=changes))
    for pid, row in old_rows.items():
        if pid not in new_rows:
            leaves.append(LeafDiff(pid, _stored(row.revision)["title"], "removed"))

    between = [
        e
        for e in Edition.objects.filter(textbook_id=new.textbook_id).order_by("major", "minor")
        if (old.major, old.minor) < (e.major, e.minor) <= (new.major, new.minor)
    ]
    return EditionDiff(old=old, new=new, leaves=leaves, editions_between=between)
