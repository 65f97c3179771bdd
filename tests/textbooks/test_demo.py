"""The demo data: loads into an empty database, twice without duplicates, reaches the public
through the review workflow as editions, and is served.

One load for the module (``demo_catalogue``, put back as migrated at its end): loading the demo
is the suite's most expensive step."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from wagtail.models import Page

from media.models import MediaAsset
from textbooks.blocks import FormulaBlock
from textbooks.models import Course, Institution, Major, Textbook, TextbookPage, UnitPage
from workflow.models import AuditLogEntry, CaseState, Edition, ReviewCase

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]

COUNTED = [
    Major,
    Course,
    Institution,
    Textbook,
    TextbookPage,
    UnitPage,
    Page,
    MediaAsset,
    Edition,
    ReviewCase,
    AuditLogEntry,
]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED} | {
        "User": get_user_model().objects.count()
    }


def test_load_demo_twice_creates_nothing_new_the_second_time():
    first = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    assert first["Textbook"] >= 12
    assert first["Major"] >= 4


def test_demo_textbooks_are_published_as_reviewed_editions():
    # Every textbook but the one the demo retires before publication (cms/demo DEMO_RETIRED).
    for textbook in Textbook.objects.exclude(slug="cnc-lathe-2019"):
        current = Edition.objects.current().get(textbook=textbook)
        assert current.version == ("1.1" if textbook.slug == "cnc-programming" else "1.0")
        live = {leaf.pk: leaf.live_revision_id for leaf in UnitPage.objects.child_of(textbook.page)}
        assert live == {row.page_id: row.revision_id for row in current.leaves.all()}
    cnc = Edition.objects.get(textbook__slug="cnc-programming", major=1, minor=0)
    assert cnc.successor.version == "1.1"
    # Published, but for the corrective case the demo's failed sampling check opened.
    [corrective] = ReviewCase.objects.exclude(state=CaseState.PUBLISHED)
    assert (corrective.kind, corrective.state) == ("corrective", CaseState.DRAFT)
    assert corrective.sampling_checks.get().state == "rectifying"
    published = AuditLogEntry.objects.filter(
        to_state="published", content_type=ContentType.objects.get_for_model(ReviewCase)
    )
    assert published.count() == Edition.objects.count()


def test_demo_covers_every_form_tier_and_the_required_kinds_of_textbook():
    textbooks = Textbook.objects.all()
    assert textbooks.filter(is_loose_leaf=True).exists()
    assert textbooks.filter(is_workbook=True).exists()
    assert textbooks.filter(is_mixed_media=True).exists()
    assert set(textbooks.values_list("tier", flat=True)) == {"national", "provincial", "school"}
    assert textbooks.filter(ideology_sensitive=True).exists()
    assert Textbook.objects.co_developed().exists()
    assert Major.objects.filter(code="460103", name="数控技术").exists()
    bodies = [leaf.body for leaf in UnitPage.objects.all()]
    assert any(block.block_type == "work_task" for body in bodies for block in body)
    assert any(block.block_type == "media_resource" for body in bodies for block in body)


def test_site_root_textbook_leaf_and_admin_login_answer(client):
    textbook_page = TextbookPage.objects.get(textbook__slug="cnc-programming")
    leaf = UnitPage.objects.child_of(textbook_page).get(slug="unit-2-g71")

    assert client.get("/").status_code == 200
    response = client.get(textbook_page.url)
    assert response.status_code == 200
    assert "数控机床编程与操作" in response.content.decode()
    response = client.get(leaf.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "工作任务" in body and "阶梯轴粗加工编程" in body
    assert client.get("/admin/login/").status_code == 200


def test_demo_accounts_log_in_with_the_documented_password(client):
    for username in ["national", "province", "author", "reviewer", "political", "committee"]:
        assert client.login(username=username, password="demo-pass-2026"), username
        assert client.get("/admin/").status_code == 200, username
        client.logout()


def test_every_demo_formula_converts_and_the_g71_leaf_shows_it_as_mathml(client):
    formulas = [
        block.value
        for leaf in UnitPage.objects.all()
        for block in leaf.get_latest_revision_as_object().body
        if block.block_type == "formula"
    ]
    assert formulas
    for value in formulas:
        FormulaBlock().clean(value)  # raises with the author's message if it cannot convert

    leaf = UnitPage.objects.get(slug="unit-2-g71")
    body = client.get(leaf.url).content.decode()
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"' in body


def test_the_g71_leaf_plays_the_real_demo_media(client, settings):
    leaf = UnitPage.objects.get(slug="unit-2-g71")
    html = client.get(leaf.url).content.decode()
    demo = settings.BASE_DIR / "cms" / "demo" / "media"
    for tag, name in [
        ("<video", "g71-roughing.mp4"),
        ("<audio", "g71-narration.mp3"),
        ("<model-viewer", "stepped-shaft.glb"),
    ]:
        src = html.split(tag, 1)[1].split('src="', 1)[1].split('"', 1)[0]
        response = client.get(src)
        assert b"".join(response.streaming_content) == (demo / name).read_bytes(), name
    video = html.split("<video", 1)[1].split(">", 1)[0]
    assert 'poster="' in video and '<track kind="captions"' in html
    package = html.split("<iframe", 1)[1].split('src="', 1)[1].split('"', 1)[0]
    page = client.get(package).content
    assert page == (demo / "feed-rate-calculator" / "index.html").read_bytes()
