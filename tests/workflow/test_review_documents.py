"""Review documents (usage-tracking report, change comparison table): what is accepted, where
it is kept, and who may read it."""

import io
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tests.media.conftest import BUCKET, s3
from textbooks import roles
from workflow import services
from workflow.models import ReviewCase

from .conftest import due, edit_leaf
from .test_views import outcome

__all__ = ["s3"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def office(main_part):
    """A minimal Office Open XML file: a zip with [Content_Types].xml and its main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


DOCX = office("word/document.xml")
XLSX = office("xl/workbook.xml")


@pytest.fixture(autouse=True)
def storage_roots(settings, tmp_path):
    """Public uploads and private files each in a folder of their own, per test."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path


def submission(usage_report, change_table=("table.pdf", PDF)):
    return {
        "kind": "minor",
        "change_summary": "更新第一单元",
        "change_categories": ["new_technology"],
        "usage_report": SimpleUploadedFile(*usage_report),
        "change_table": SimpleUploadedFile(*change_table),
    }


@pytest.fixture
def revised(published, client):
    """``published`` (1.0) with a change to unit 1, and the author on the submit screen."""
    edit_leaf(published["leaves"][0], "第一单元的改动", published["users"]["author"])
    client.force_login(published["users"]["author"])
    published["submit_url"] = reverse("workflow:submit", args=[published["textbook"].pk])
    return published


@pytest.fixture
def in_review(revised, client, make_user):
    """A minor revision submitted with its documents; ``reviewer`` assigned to it."""
    u = revised["users"]
    u["other_reviewer"] = make_user("other_reviewer", roles.REVIEWER)
    response = client.post(revised["submit_url"], submission(("使用跟踪报告.pdf", PDF)))
    assert response.status_code == 302
    case = ReviewCase.objects.get(kind="minor")
    services.assign_reviewer(
        case, user=u["national"], reviewer=u["reviewer"], track_kind="subject", due_date=due()
    )
    revised["case"] = case
    return revised


def body(response):
    return b"".join(response.streaming_content)


def test_problem_12_review_documents_reach_only_those_who_may_see_the_case(
    client, in_review, storage_roots
):
    u, case = in_review["users"], in_review["case"]
    case.refresh_from_db()
    stored = case.usage_report.name
    assert (storage_roots / "private" / stored).read_bytes() == PDF
    assert not (storage_roots / "uploads").exists()  # nothing under MEDIA_ROOT (/uploads/)

    url = reverse("workflow:document", args=[case.pk, "usage-report"])
    client.force_login(u["author"])
    assert url in client.get(reverse("workflow:case", args=[case.pk])).content.decode()
    expected = {
        "anonymous": "login",
        "other_author": "denied",  # writes another textbook
        "other_reviewer": "denied",  # a reviewer, not assigned to this case
        "committee": "denied",
        "reviewer": "ok",  # assigned
        "author": "ok",
        "province": "ok",  # a school-tier textbook: in a provincial administrator's scope
        "national": "ok",
    }
    for role, allowed in expected.items():
        client.logout()
        if role != "anonymous":
            client.force_login(u[role])
        response = client.get(url)
        assert outcome(response) == allowed, role
        if allowed == "ok":
            assert response["Content-Type"] == "application/pdf"
            assert body(response) == PDF, role
    client.force_login(u["author"])
    missing = reverse("workflow:document", args=[case.pk, "other"])
    assert client.get(missing).status_code == 404


def test_problem_12_a_five_byte_text_file_is_refused_naming_the_accepted_types(
    client, revised, storage_roots
):
    response = client.post(revised["submit_url"], submission(("report.txt", b"hello")))

    assert response.status_code == 200
    text = response.content.decode()
    assert (
        "文件内容实际是 无法识别的格式（application/octet-stream），不是允许的使用跟踪报告格式"
        "（允许：PDF 文档、Word 文档（DOCX）、Excel 表格（XLSX））。"
    ) in text
    assert not ReviewCase.objects.filter(kind="minor").exists()
    assert not (storage_roots / "private").exists()


def test_word_and_excel_files_are_taken_by_their_contents(client, revised, storage_roots):
    response = client.post(
        revised["submit_url"],
        submission(("跟踪报告", DOCX), change_table=("对照表.bin", XLSX)),
    )
    assert response.status_code == 302
    case = ReviewCase.objects.get(kind="minor")
    assert Path(case.usage_report.name).name == "跟踪报告.docx"
    assert Path(case.change_table.name).name == "对照表.xlsx"
    response = client.get(reverse("workflow:document", args=[case.pk, "change-table"]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert body(response) == XLSX


def test_a_zip_named_docx_and_a_program_named_pdf_are_refused(client, revised):
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("word/notes.txt", "not a document")
    response = client.post(revised["submit_url"], submission(("report.docx", plain_zip.getvalue())))
    assert "文件内容实际是 ZIP 压缩包（application/zip），不是允许的使用跟踪报告格式" in (
        response.content.decode()
    )
    program = b"\x7fELF\x02\x01\x01" + b"\x00" * 300
    response = client.post(
        revised["submit_url"], submission(("usage.pdf", PDF), ("table.pdf", program))
    )
    assert "不是允许的修订内容对照表格式" in response.content.decode()
    assert not ReviewCase.objects.filter(kind="minor").exists()


def test_documents_over_the_size_limit_are_refused(client, revised, settings):
    settings.REVIEW_DOCUMENT_RULES = {**settings.REVIEW_DOCUMENT_RULES, "max_size": 30}
    response = client.post(revised["submit_url"], submission(("usage.pdf", PDF)))
    too_large = f"文件过大：{len(PDF)}\xa0字节，使用跟踪报告最大允许 30\xa0字节。"
    assert too_large in response.content.decode()
    assert not ReviewCase.objects.filter(kind="minor").exists()


def test_the_service_refuses_what_the_form_would(revised):
    u = revised["users"]
    case = services.open_case(revised["textbook"], user=u["author"], kind="minor")
    with pytest.raises(services.WorkflowError, match="不是允许的使用跟踪报告格式"):
        services.submit(
            case,
            user=u["author"],
            change_summary="更新",
            change_categories=["new_technology"],
            usage_report=SimpleUploadedFile("a.txt", b"hello"),
            change_table=SimpleUploadedFile("b.pdf", PDF),
        )


def test_on_s3_documents_are_private_objects_handed_out_as_presigned_urls(s3, client, revised):
    assert client.post(revised["submit_url"], submission(("usage.pdf", PDF))).status_code == 302
    case = ReviewCase.objects.get(kind="minor")

    key = f"private/{case.usage_report.name}"
    assert key in s3.keys()
    grants = s3.client().get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner's, nobody else's
    head = s3.client().head_object(Bucket=BUCKET, Key=key)
    assert head["ContentType"] == "application/pdf"

    url = reverse("workflow:document", args=[case.pk, "usage-report"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{s3.url}/{BUCKET}/{key}?")
    assert "X-Amz-Signature=" in response["Location"]
    with urllib.request.urlopen(response["Location"], timeout=10) as signed:
        assert signed.read() == PDF
    client.logout()
    assert outcome(client.get(url)) == "login"


def migrate(targets=None):
    """Migrate to ``targets``, or to the latest migrations."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.fixture
def latest_migrations():
    """Migration tests start and leave the database migrated to the end: the migration
    history is not rolled back between tests."""
    migrate()
    yield
    migrate()


def test_documents_stored_before_move_to_private_storage_and_stay_readable(
    transactional_db, latest_migrations, in_review, client, storage_roots
):
    case = ReviewCase.objects.get(pk=in_review["case"].pk)
    names = [case.usage_report.name, case.change_table.name]

    migrate([("workflow", "0006_pin_existing_assets")])  # as before: public uploads
    assert all(storages["default"].exists(name) for name in names)
    assert not any(storages["private"].exists(name) for name in names)

    migrate([("workflow", "0007_private_review_documents")])
    assert not any(storages["default"].exists(name) for name in names)
    assert (storage_roots / "private" / names[0]).read_bytes() == PDF
    client.force_login(in_review["users"]["reviewer"])
    response = client.get(reverse("workflow:document", args=[case.pk, "usage-report"]))
    assert body(response) == PDF
