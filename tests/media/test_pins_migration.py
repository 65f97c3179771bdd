"""workflow 0006: editions and open cases made before assets were pinned get their pins."""

import importlib

from django.apps import apps
from django.utils import timezone

from tests.media.conftest import media_block, mp4_bytes
from tests.workflow.conftest import published_edition, submitted_case
from textbooks.blocks import LeafStreamBlock
from textbooks.models import UnitPage
from workflow.models import CaseKind, EditionArchive, EditionAsset, PinnedAsset, PinnedRevision

migration = importlib.import_module("workflow.migrations.0006_pin_existing_assets")


def add_leaf(textbook, slug, blocks, user):
    leaf = UnitPage(title=f"单元 {slug}", slug=slug, live=False, owner=user)
    leaf.body = LeafStreamBlock().to_python(blocks)
    textbook.page.add_child(instance=leaf)
    leaf.save_revision(user=user)
    return leaf


def test_existing_editions_and_open_cases_are_pinned_from_archives_else_from_rows(
    users, school_textbook, make_textbook, make_asset
):
    author = users["author"]
    archived = make_asset(school_textbook, title="如今的标题", data=mp4_bytes("一"))
    unarchived = make_asset(school_textbook, title="第二个视频", data=mp4_bytes("二"))
    add_leaf(school_textbook, "unit-1", [media_block(archived), media_block(unarchived)], author)
    edition = published_edition(school_textbook, author, users["reviewer"], users["national"])
    EditionArchive.objects.create(
        textbook=school_textbook,
        version="1.0",
        prefix="archives/x/1.0/",
        completed_at=timezone.now(),
        manifest={
            "assets": [
                {
                    "id": archived.pk,
                    "title": "发布时的标题",
                    "kind": "video",
                    "key": "assets/aa/published.mp4",
                    "sha256": "aa" * 32,
                    "size": 10,
                    "content_type": "video/mp4",
                }
            ]
        },
    )
    leaf = add_leaf(school_textbook, "unit-2", [media_block(archived)], author)
    case = submitted_case(school_textbook, author, CaseKind.MINOR)
    # The case was submitted before leaves were checked: it shows another textbook's asset.
    theirs = make_asset(make_textbook(users["other_author"]), title="别人的", data=mp4_bytes("三"))
    legacy = leaf.get_latest_revision_as_object()
    legacy.body = [media_block(theirs)]
    PinnedRevision.objects.filter(case=case, page=leaf).update(
        revision=legacy.save_revision(user=author, clean=False)
    )
    EditionAsset.objects.all().delete()
    PinnedAsset.objects.all().delete()

    migration.pin_existing_assets(apps, None)

    pins = {pin.asset_id: pin for pin in EditionAsset.objects.filter(edition=edition)}
    assert set(pins) == {archived.pk, unarchived.pk}
    assert (pins[archived.pk].title, pins[archived.pk].key) == (
        "发布时的标题",
        "assets/aa/published.mp4",
    )
    assert (pins[unarchived.pk].title, pins[unarchived.pk].key) == (
        "第二个视频",
        unarchived.file.name,
    )
    assert set(case.pinned_assets.values_list("asset_id", flat=True)) == {
        archived.pk,
        unarchived.pk,
    }
