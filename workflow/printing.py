"""Print PDFs of published editions: the whole edition, and the loose-leaf replacement pack
that brings a binder from one edition to another (WeasyPrint, CSS paged media).

Every leaf is printed from the revision its edition pins, in manifest order. It starts on a
right-hand page, so that in a duplex print it shares no sheet with another leaf and can be
taken out and put in on its own; its pages are numbered from 1 within the leaf, and the
running header and footer name its code and the edition. Each digital resource marked for
print gets a QR code of its short link for that edition (``/r/<code>/<version>/`` on
PUBLIC_BASE_URL). Rendering loads nothing from the network or the disk: the only URLs the
document may fetch are the data: URIs written here.
"""

import base64
import dataclasses
import mimetypes
from importlib import import_module

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from wagtail.blocks import StructValue

from media.models import ShortLink
from media.qr import qr_svg
from textbooks.i18n import in_record_language
from textbooks.models import UnitPage
from workflow.print_math import UnsupportedFormula, formula_html
from workflow.services.assets import edition_pins
from workflow.services.diff import compare_leaf

# A record form gets blank rows up to this many, so that there is room to write.
RECORD_FORM_ROWS = 5
# About 300 dpi across the text width of an A4 page.
FIGURE_RENDITION = "max-1600x2400"


class PrintUnavailable(RuntimeError):
    """PDFs cannot be made on this machine: WeasyPrint's system libraries are missing."""


def _weasyprint():
    try:
        return import_module("weasyprint")
    except OSError as error:  # cffi cannot load Pango
        raise PrintUnavailable(
            _(
                "无法生成 PDF：缺少 WeasyPrint 所需的系统库（%(error)s）。"
                "请以 root 身份运行 make pdf-deps，或安装 Debian 软件包 "
                "libpango-1.0-0、libpangoft2-1.0-0 和 fonts-wqy-microhei。"
            )
            % {"error": error}
        ) from error


def unavailable_reason():
    """Why this machine cannot make PDFs (a message saying how to enable them), or None."""
    try:
        _weasyprint()
    except PrintUnavailable as error:
        return str(error)
    return None


def public_url(path):
    """``path`` on the public site, as printed (readers type or scan it from paper)."""
    return (settings.PUBLIC_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/") + path


def resource_url(asset, edition):
    """The short link of ``asset`` in ``edition``: that edition's reviewed copy."""
    return public_url(f"{ShortLink.for_asset(asset).get_absolute_url()}{edition.version}/")


def _data_uri(data, content_type):
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


@dataclasses.dataclass(frozen=True)
class ResourceQr:
    """The QR code printed beside a digital resource: ``url`` is what it encodes (the
    resource's short link in one edition), ``image`` an SVG data: URI."""

    url: str
    image: str


def resource_qr(asset, edition):
    """The QR code of ``asset`` in ``edition``, the same on paper and on the leaf page."""
    url = resource_url(asset, edition)
    return ResourceQr(url, _data_uri(qr_svg(url), "image/svg+xml"))


# Blocks whose print differs from the screen: each returns the context of its print template
# (workflow/print/blocks/<type>.html), or None to leave the block out.


def _media_resource(value, edition):
    # Printed as the edition pins it (the reviewed title and kind), never the asset row.
    asset = value["asset"]
    pinned = edition_pins(edition).get(asset.pk) if asset is not None else None
    if pinned is None:
        return None
    if not value["show_qr_in_print"]:
        return {"asset": pinned}
    qr = resource_qr(asset, edition)
    return {"asset": pinned, "url": qr.url, "qr": qr.image}


def _formula(value, edition):
    try:
        return {"html": formula_html(value["latex"])}
    except UnsupportedFormula:
        return {"html": None}  # the template prints the LaTeX


def _figure(value, edition):
    image = value["image"]
    if image is None:
        return None
    rendition = image.get_rendition(FIGURE_RENDITION)
    with rendition.file.open("rb") as handle:
        data = handle.read()
    content_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
    return {"src": _data_uri(data, content_type), "alt": image.contextual_alt_text or ""}


PRINT_BLOCKS = {"media_resource": _media_resource, "formula": _formula, "figure": _figure}


def _with_writing_rows(block, value):
    """A work task whose record form has blank rows to write in (the screen template prints
    it then; print.css gives its cells the height of a written line)."""
    form = value["record_form"]
    if not form or not form.get("data"):
        return value
    data = [list(row) for row in form["data"]]
    header = 1 if form.get("first_row_is_table_header") else 0
    width = max(len(row) for row in data)
    data += [[""] * width for _row in range(RECORD_FORM_ROWS - (len(data) - header))]
    return StructValue(block, [*value.items(), ("record_form", {**form, "data": data})])


def _block_html(block, edition):
    if block.block_type == "work_task":
        return block.block.render(_with_writing_rows(block.block, block.value))
    prepare = PRINT_BLOCKS.get(block.block_type)
    if prepare is None:  # rich text, tables, knowledge points, exercises print as on screen
        return block.block.render(block.value)
    extra = prepare(block.value, edition)
    if extra is None:
        return ""
    context = {**block.block.get_context(block.value), **extra}
    return render_to_string(f"workflow/print/blocks/{block.block_type}.html", context)


@dataclasses.dataclass
class PrintedLeaf:
    """A leaf as printed: ``page`` is its pinned revision, ``html`` its section."""

    page: UnitPage
    html: str

    @property
    def code(self):
        return self.page.code

    @property
    def number(self):
        return self.page.number

    @property
    def title(self):
        return self.page.title


def pinned_leaves(edition, page_ids=None):
    """The leaves of ``edition`` (those of ``page_ids`` only, if given) at their pinned
    revisions, in manifest order."""
    rows = edition.leaves.select_related("revision").order_by("position")
    if page_ids is not None:
        rows = rows.filter(page_id__in=page_ids)
    return [row.revision.as_object() for row in rows]


def _printed(leaf, edition):
    blocks = [_block_html(block, edition) for block in leaf.body]
    context = {"leaf": leaf, "edition": edition, "blocks": blocks}
    return PrintedLeaf(leaf, render_to_string("workflow/print/leaf.html", context))


def _pdf(template, context):
    weasyprint = _weasyprint()
    html = render_to_string(template, context)
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()


def edition_pdf(edition):
    """The print PDF (bytes) of ``edition``: cover, contents and every leaf.

    Raises PrintUnavailable when this machine cannot make PDFs.
    """
    with in_record_language():
        leaves = [_printed(leaf, edition) for leaf in pinned_leaves(edition)]
        context = {"textbook": edition.textbook, "edition": edition, "leaves": leaves}
        return _pdf("workflow/print/edition.html", context)


@dataclasses.dataclass
class LeafStep:
    """One line of a replacement sheet: ``change`` is removed, changed, added, moved or
    unchanged. ``position`` is in the new edition (in the old one for a removed leaf);
    ``after`` is the code of the leaf it follows there ("" for the first)."""

    change: str
    page_id: int
    code: str
    title: str
    position: int
    old_position: int | None = None
    after: str = ""


@dataclasses.dataclass
class ReplacementPlan:
    """What to do to a binder of edition ``old`` to make it one of edition ``new``."""

    old: object
    new: object
    remove: list  # removed from the textbook: take out
    replace: list  # changed: take out, put in the reprint
    insert: list  # added: put in the print
    move: list  # unchanged but elsewhere: move, nothing reprinted
    order: list  # the codes of ``new``, in order

    @property
    def reprinted(self):
        """The steps whose leaf the pack prints, in the new edition's order."""
        return sorted(self.replace + self.insert, key=lambda step: step.position)

    @property
    def placed(self):
        """The leaves to put in or move, in the new edition's order: done in this order,
        the leaf each one follows is already in place."""
        return sorted(self.replace + self.insert + self.move, key=lambda step: step.position)


def _stay_in_place(positions):
    """Indexes of a longest increasing run (not necessarily contiguous) of ``positions``:
    the fewest leaves to move are the others."""
    best = []  # per index: (length of the longest run ending there, previous index)
    for index, position in enumerate(positions):
        length, previous = 1, None
        for earlier in range(index):
            if positions[earlier] < position and best[earlier][0] + 1 > length:
                length, previous = best[earlier][0] + 1, earlier
        best.append((length, previous))
    index = max(range(len(best)), key=lambda i: best[i][0], default=None)
    kept = set()
    while index is not None:
        kept.add(index)
        index = best[index][1]
    return kept


def replacement_plan(old, new):
    """Compare two editions of one textbook leaf by leaf, by the content of their pinned
    revisions: a leaf saved again without a change, or only moved, is not reprinted."""
    if old.textbook_id != new.textbook_id:
        raise ValueError("editions of different textbooks")
    old_rows = list(old.leaves.select_related("revision").order_by("position"))
    new_rows = list(new.leaves.select_related("revision").order_by("position"))
    page_ids = {row.page_id for row in old_rows + new_rows}
    codes = dict(UnitPage.objects.filter(pk__in=page_ids).values_list("pk", "code"))
    old_positions = {row.page_id: (index, row) for index, row in enumerate(old_rows, 1)}
    new_pages = {row.page_id for row in new_rows}

    remove = [
        LeafStep(
            "removed", row.page_id, codes[row.page_id], row.revision.content.get("title", ""), index
        )
        for index, row in enumerate(old_rows, 1)
        if row.page_id not in new_pages
    ]
    steps = {"added": [], "changed": [], "unchanged": []}
    for index, row in enumerate(new_rows, 1):
        old_position, old_row = old_positions.get(row.page_id, (None, None))
        if old_row is None:
            change = "added"
        elif old_row.revision_id != row.revision_id and compare_leaf(
            old_row.revision, row.revision
        ):
            change = "changed"
        else:
            change = "unchanged"
        after = codes[new_rows[index - 2].page_id] if index > 1 else ""
        title = row.revision.content.get("title", "")
        steps[change].append(
            LeafStep(change, row.page_id, codes[row.page_id], title, index, old_position, after)
        )
    # A reprinted leaf goes in where it belongs anyway: only unchanged leaves may need moving.
    unchanged = steps["unchanged"]
    kept = _stay_in_place([step.old_position for step in unchanged])
    move = [
        dataclasses.replace(step, change="moved")
        for index, step in enumerate(unchanged)
        if index not in kept
    ]
    order = [codes[row.page_id] for row in new_rows]
    return ReplacementPlan(old, new, remove, steps["changed"], steps["added"], move, order)


def replacement_pack(old_edition, new_edition):
    """The PDF (bytes) that updates a printed binder of ``old_edition`` to ``new_edition``:
    a sheet of what to take out, put in and move, then only the added and changed leaves.

    Raises PrintUnavailable when this machine cannot make PDFs.
    """
    with in_record_language():
        plan = replacement_plan(old_edition, new_edition)
        reprinted = [step.page_id for step in plan.reprinted]
        leaves = [_printed(leaf, new_edition) for leaf in pinned_leaves(new_edition, reprinted)]
        context = {
            "textbook": new_edition.textbook,
            "edition": new_edition,
            "plan": plan,
            "leaves": leaves,
        }
        return _pdf("workflow/print/replacement_pack.html", context)
