"""What changed between two editions of a textbook, in words a teacher can read.

Leaves are compared through the editions' manifests (added, removed, reordered, changed).
Inside a changed leaf, blocks are matched by their stable StreamField ids and flattened into
labelled fields ("工作任务 · 工作步骤 2 · 操作要领"), so every block type — rich text, work task
steps and checklist items, tables, a swapped media resource — is compared by one mechanism.
"""

import difflib
import re
from dataclasses import dataclass, field
from html import unescape

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from media.models import MediaAsset
from textbooks.blocks import LeafStreamBlock
from workflow.models import Edition


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
        """[(op, text)] with op in equal/insert/delete, for <ins>/<del> rendering."""
        matcher = difflib.SequenceMatcher(None, self.old, self.new, autojunk=False)
        out = []
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":
                out.append(("equal", self.old[a0:a1]))
            else:
                if a1 > a0:
                    out.append(("delete", self.old[a0:a1]))
                if b1 > b0:
                    out.append(("insert", self.new[b0:b1]))
        return out


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
