"""EditionArchive moved from media to workflow (workflow 0004, media 0004): a database made
by the previous layout keeps its archive records and their content type."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from workflow.models import EditionArchive

BEFORE = [("workflow", "0003_errata"), ("media", "0003_assets_checksums_short_links_archives")]
AFTER = [
    ("workflow", "0004_edition_archive_from_media"),
    ("media", "0004_edition_archive_to_workflow"),
]


def migrate(targets=None):
    """Migrate to ``targets`` (or to the latest migrations); the apps as of ``targets``."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_afterwards():
    """Leave the database as the next tests expect: every migration applied (the flush and
    they need the later tables), and the content-type cache warm (the next test's serialized
    rollback must not create content types while it restores them)."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_models(*apps.get_models())


def test_archive_rows_and_content_type_survive_the_move(
    transactional_db, latest_schema_afterwards, make_user, make_textbook
):
    textbook = make_textbook(make_user())
    content_type = ContentType.objects.get_for_model(EditionArchive)
    old_apps = migrate(BEFORE)  # the previous layout: the model and its content type in media
    old_type = old_apps.get_model("contenttypes", "ContentType").objects.get(pk=content_type.pk)
    assert old_type.app_label == "media"
    old_apps.get_model("media", "EditionArchive").objects.create(
        textbook_id=textbook.pk, version="1.0", prefix="archives/textbook-1/1.0/", checksum="ab"
    )

    migrate(AFTER)

    archive = EditionArchive.objects.get()
    assert (archive.textbook, archive.version, archive.checksum) == (textbook, "1.0", "ab")
    # Read from the database: ContentType's cache would answer from memory.
    moved = ContentType.objects.get(model="editionarchive")
    assert moved.pk == content_type.pk and moved.app_label == "workflow"
    assert not ContentType.objects.filter(app_label="media", model="editionarchive").exists()
