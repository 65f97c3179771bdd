"""QR codes (segno) for short links, and the printable QR sheet of a textbook."""

import io
from xml.sax.saxutils import escape

import segno
from django.utils.translation import gettext as _

from media.models import MediaAsset, ShortLink
from media.references import latest_body, media_blocks
from textbooks.models import UnitPage

ERROR_LEVEL = "m"  # survives smudged print


def short_url(request, link, version=None):
    """The absolute short link (what the QR code encodes)."""
    path = link.get_absolute_url()
    if version:
        path = f"{path}{version}/"
    return request.build_absolute_uri(path)


def qr_svg(data, *, scale=4):
    buffer = io.BytesIO()
    segno.make(data, error=ERROR_LEVEL).save(buffer, kind="svg", scale=scale, xmldecl=False)
    return buffer.getvalue()


def qr_png(data, *, scale=8):
    buffer = io.BytesIO()
    segno.make(data, error=ERROR_LEVEL).save(buffer, kind="png", scale=scale)
    return buffer.getvalue()


def sheet_entries(textbook):
    """(label, short link) for every leaf, each followed by its media resources marked for
    print (show_qr_in_print), in book order, from each leaf's latest content."""
    page = textbook.page
    entries = []
    for leaf in UnitPage.objects.child_of(page).select_related("latest_revision"):
        entries.append((f"{leaf.number} {leaf.title}".strip(), ShortLink.for_page(leaf)))
        blocks = [b for b in media_blocks(latest_body(leaf)) if b.get("show_qr_in_print")]
        assets = MediaAsset.objects.in_bulk([b["asset"] for b in blocks if b.get("asset")])
        for block in blocks:
            asset = assets.get(block.get("asset"))
            if asset is not None:
                label = block.get("caption") or asset.title
                entries.append(
                    (
                        "　"
                        + _("%(kind)s：%(label)s")
                        % {"kind": asset.get_kind_display(), "label": label},
                        ShortLink.for_asset(asset),
                    )
                )
    return entries


CELL_W, CELL_H, COLUMNS, MARGIN, QR_SCALE = 250, 230, 3, 24, 3


def qr_sheet_svg(request, textbook):
    """One SVG (A4 width, as tall as needed) with a captioned QR code per entry."""
    entries = sheet_entries(textbook)
    rows = max(1, -(-len(entries) // COLUMNS))
    width = COLUMNS * CELL_W + 2 * MARGIN
    height = rows * CELL_H + 2 * MARGIN + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="WenQuanYi Micro Hei, sans-serif">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{MARGIN}" y="{MARGIN + 16}" font-size="18">'
        f"{escape(textbook.title)} — {escape(_('二维码印制清单'))}</text>",
    ]
    for index, (label, link) in enumerate(entries):
        x = MARGIN + (index % COLUMNS) * CELL_W
        y = MARGIN + 40 + (index // COLUMNS) * CELL_H
        url = short_url(request, link)
        code = qr_svg(url, scale=QR_SCALE).decode()
        parts.append(f'<g transform="translate({x},{y})">{code}</g>')
        parts.append(
            f'<text x="{x}" y="{y + CELL_H - 50}" font-size="12">{escape(label[:30])}</text>'
        )
        parts.append(
            f'<text x="{x}" y="{y + CELL_H - 34}" font-size="10" fill="#555">{escape(url)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts).encode()
