"""Short links, QR images and the printable QR sheet."""

import io
import xml.etree.ElementTree as ET

from django.urls import reverse
from PIL import Image

from media.models import ShortLink
from tests.media.conftest import media_block
from tests.workflow.conftest import published_edition


def test_short_links_are_stable(textbook, make_asset, add_leaf):
    asset = make_asset(textbook)
    leaf = add_leaf(textbook, "u1")
    assert ShortLink.for_asset(asset) == ShortLink.for_asset(asset)
    assert ShortLink.for_page(leaf).code == ShortLink.for_page(leaf).code
    assert ShortLink.for_asset(asset).code != ShortLink.for_page(leaf).code


def test_asset_link_resolves_to_its_access_checked_url(client, textbook, make_asset):
    asset = make_asset(textbook)
    code = ShortLink.for_asset(asset).code
    response = client.get(f"/r/{code}/")
    assert response.status_code == 302
    assert response["Location"] == f"/media-assets/{asset.pk}/"


def test_leaf_link_resolves_to_the_published_leaf_only(client, users, make_textbook, add_leaf):
    textbook = make_textbook(users["author"], tier="school")
    published = add_leaf(textbook, "u1")
    published_edition(textbook, users["author"], users["reviewer"], users["national"])
    draft = add_leaf(textbook, "u2")
    response = client.get(f"/r/{ShortLink.for_page(published).code}/")
    assert response.status_code == 302
    assert response["Location"] == published.url
    assert client.get(response["Location"]).status_code == 200
    assert client.get(f"/r/{ShortLink.for_page(draft).code}/").status_code == 404
    assert client.get("/r/no-such-code/").status_code == 404


def test_qr_images_encode_the_short_link(client, textbook, add_leaf):
    leaf = add_leaf(textbook, "u1", publish=True)
    code = ShortLink.for_page(leaf).code
    svg = client.get(f"/r/{code}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert ET.fromstring(svg.content).tag.endswith("svg")
    png = client.get(f"/r/{code}/qr.png")
    assert png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.width == image.height > 100
    assert client.get(f"/r/{code}/qr.gif").status_code == 404


def test_qr_sheet_lists_every_leaf_and_the_resources_marked_for_print(
    client, users, textbook, make_asset, add_leaf
):
    shown = make_asset(textbook, title="印刷显示")
    hidden = make_asset(textbook, title="不印二维码")
    leaf = add_leaf(
        textbook,
        "u1",
        blocks=[
            media_block(shown, caption="扫码观看刀具路径"),
            media_block(hidden, show_qr=False),
        ],
    )
    second = add_leaf(textbook, "u2", number="单元 2")
    client.force_login(users["author"])
    response = client.get(reverse("media:qr_sheet", args=[textbook.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    sheet = response.content.decode()
    ET.fromstring(sheet)  # well-formed
    for link in (ShortLink.for_page(leaf), ShortLink.for_page(second), ShortLink.for_asset(shown)):
        assert f"http://testserver/r/{link.code}/" in sheet
    assert "扫码观看刀具路径" in sheet
    assert "不印二维码" not in sheet
    assert not ShortLink.objects.filter(asset=hidden).exists()
    assert sheet.count("<svg") == 1 + 3  # the sheet and three codes


def test_admin_offers_the_qr_sheet_and_qr_codes(client, users, textbook, make_asset, add_leaf):
    leaf = add_leaf(textbook, "u1")
    asset = make_asset(textbook)
    client.force_login(users["author"])
    book_edit = client.get(reverse("wagtailadmin_pages:edit", args=[textbook.page.pk]))
    assert reverse("media:qr_sheet", args=[textbook.pk]) in book_edit.content.decode()
    leaf_edit = client.get(reverse("wagtailadmin_pages:edit", args=[leaf.pk]))
    assert f"/r/{ShortLink.for_page(leaf).code}/qr.svg" in leaf_edit.content.decode()
    listing = client.get(reverse("wagtailsnippets_media_mediaasset:list"))
    assert f"/r/{ShortLink.for_asset(asset).code}/qr.svg" in listing.content.decode()

    client.force_login(users["other_author"])
    assert (
        "qr-sheet"
        not in client.get(
            reverse("wagtailadmin_pages:edit", args=[textbook.page.pk])
        ).content.decode()
    )
