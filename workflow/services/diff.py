"""What changed between two editions of a textbook, in words a teacher can read.

Leaves are compared through the editions' manifests (added, removed, reordered, changed).
Inside a changed leaf, blocks are matched by their stable StreamField ids and flattened into
labelled fields ("工作任务 · 工作步骤 2 · 操作要领"), so every block type — rich text, work task
steps and checklist items, tables, a swapped media resource — is compared by one mechanism.

Within a changed text, highlights follow words (jieba for Chinese; Latin words and numbers
whole), and changes separated by a single character are merged, so a reader sees 润滑油 → 液压油
rather than a scatter of single characters.
"""

import bisect
import difflib
import itertools
import re
from dataclasses import dataclass, field
from html import unescape

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.search.segment import tokenizer
from media.models import MediaAsset
from textbooks.blocks import LeafStreamBlock
from workflow.models import Edition

# Unchanged text shown on either side of a change, in characters, before it is elided (…).
CONTEXT = 40

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN = rf"[^\W{_CJK}]+"
# A Latin word or number keeps its inner dots, hyphens and apostrophes: 0.5, L-HG68, don't.
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK}]+)|{_LATIN}(?:[.'’\-]{_LATIN})*|\s+|.", re.S)
_SENTENCE_END = re.compile(r"[。！？；!?;\n]|\.(?=\s)")


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    # A swapped resource or a changed choice reads as "old → new", not as a character diff.
    whole: bool = False

    @property
    def kind(self):
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


# Fields ---------------------------------------------------------------------------------------


def _text(value):
    return re.sub(r"\s+", " ", str(value)).strip()


def _html_text(value):
    return _text(unescape(strip_tags(str(value))))


def _list_items(raw):
    """ListBlock raw data, old (plain values) or new ({type: item, value, id}) format."""
    for index, item in enumerate(raw or [], start=1):
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            yield item.get("id") or index, index, item["value"]
        else:
            yield index, index, item


def flatten(block, raw, label, key, assets, out):
    """Add {key: (label, text, whole)} for every leaf field of ``raw`` under ``block``."""
    if isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            flatten(
                child,
                (raw or {}).get(name),
                f"{label} · {child.label}",
                f"{key}.{name}",
                assets,
                out,
            )
    elif isinstance(block, blocks.ListBlock):
        for item_key, index, value in _list_items(raw):
            item_label = _("%(label)s 第 %(n)s 项") % {"label": label, "n": index}
            flatten(block.child_block, value, item_label, f"{key}[{item_key}]", assets, out)
    elif isinstance(block, TableBlock):
        for index, row in enumerate((raw or {}).get("data") or [], start=1):
            cells = " | ".join(str(cell or "") for cell in row)
            row_label = _("%(label)s 第 %(n)s 行") % {"label": label, "n": index}
            out[f"{key}.row{index}"] = (row_label, cells, False)
    elif isinstance(block, SnippetChooserBlock):
        asset = assets.get(raw)
        text = (
            _("《%(title)s》（%(kind)s）")
            % {"title": asset.title, "kind": asset.get_kind_display()}
            if asset
            else ""
        )
        out[key] = (label, text, True)
    elif isinstance(block, blocks.RichTextBlock):
        out[key] = (label, _html_text(raw or ""), False)
    elif isinstance(block, blocks.BooleanBlock):
        out[key] = (label, _("是") if raw else _("否"), True)
    elif isinstance(block, blocks.ChoiceBlock):
        out[key] = (label, str(dict(block.field.choices).get(raw, raw or "")), True)
    else:
        # Plain text (a formula's LaTeX, a checklist item) is compared as typed: "0<t<T, T>0"
        # holds no tag to strip.
        out[key] = (label, _text(raw if raw is not None else ""), False)


def _stream(revision):
    page = revision.as_object()
    return page, page.body.get_prep_value()


def _fields(page, stream, assets):
    out = {
        "title": (_("标题"), page.title, False),
        "number": (_("单元编号"), page.number, False),
        "summary": (_("学习目标"), page.summary, False),
    }
    stream_block = LeafStreamBlock()
    for position, item in enumerate(stream, start=1):
        child = stream_block.child_blocks.get(item["type"])
        if child is None:
            continue
        key = item.get("id") or f"pos{position}"
        flatten(child, item["value"], str(child.label), f"block:{key}", assets, out)
    return out


def _asset_ids(stream):
    found = set()

    def walk(value):
        if isinstance(value, dict):
            if "asset" in value and isinstance(value["asset"], int):
                found.add(value["asset"])
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(stream)
    return found


def compare_leaf(old_revision, new_revision):
    old_page, old_stream = _stream(old_revision)
    new_page, new_stream = _stream(new_revision)
    assets = MediaAsset.objects.in_bulk(_asset_ids(old_stream) | _asset_ids(new_stream))
    old, new = _fields(old_page, old_stream, assets), _fields(new_page, new_stream, assets)
    changes = []
    for key in [*old, *(k for k in new if k not in old)]:
        label, _text_value, whole = new.get(key) or old[key]
        before, after = old.get(key, ("", ""))[1], new.get(key, ("", ""))[1]
        if before != after:
            changes.append(FieldChange(label, before, after, whole=whole))
    return changes


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

    leaves = []
    for pid, row in sorted(new_rows.items(), key=lambda kv: kv[1].position):
        title = row.revision.as_object().title
        if pid not in old_rows:
            leaves.append(LeafDiff(pid, title, "added"))
        elif old_rows[pid].revision_id == row.revision_id:
            leaves.append(LeafDiff(pid, title, "unchanged", moved=pid in moved))
        else:
            changes = compare_leaf(old_rows[pid].revision, row.revision)
            status = "changed" if changes else "unchanged"
            leaves.append(LeafDiff(pid, title, status, moved=pid in moved, changes=changes))
    for pid, row in old_rows.items():
        if pid not in new_rows:
            leaves.append(LeafDiff(pid, row.revision.as_object().title, "removed"))

    between = [
        e
        for e in Edition.objects.filter(textbook_id=new.textbook_id).order_by("major", "minor")
        if (old.major, old.minor) < (e.major, e.minor) <= (new.major, new.minor)
    ]
    return EditionDiff(old=old, new=new, leaves=leaves, editions_between=between)
