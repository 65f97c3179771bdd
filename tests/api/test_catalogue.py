"""The read-only API over the demo catalogue: contents, pagination, filters, errors."""

import datetime

import pytest
from django.utils import timezone

from textbooks.models import Course, Textbook
from workflow.models import Edition

pytestmark = pytest.mark.django_db

LIST = "/api/v1/textbooks/"
CNC = "/api/v1/textbooks/cnc-programming/"


def published_slugs():
    return sorted(Textbook.objects.filter(editions__is_current=True).values_list("slug", flat=True))


def test_the_list_holds_every_published_textbook_with_its_current_edition(demo_catalogue, api):
    body = api(LIST, page_size=100)
    # Every demo textbook but the one retired before it was ever published (DEMO_RETIRED).
    assert body["count"] == len(published_slugs()) == len(demo_catalogue) - 1
    assert sorted(t["slug"] for t in body["results"]) == published_slugs()
    titles = [t["title"] for t in body["results"]]
    assert titles == sorted(titles)
    cnc = next(t for t in body["results"] if t["slug"] == "cnc-programming")
    assert cnc["current_edition"]["version"] == "1.1"
    assert cnc["current_edition"]["is_current"] is True
    assert (
        cnc["current_edition"]["url"]
        == "http://testserver/api/v1/textbooks/cnc-programming/editions/1.1/"
    )
    assert (
        cnc["current_edition"]["web_url"]
        == "http://testserver/textbooks/cnc-programming/editions/1.1/"
    )
    assert [b["code"] for b in cnc["badges"]] == [
        "national_planned",
        "co_developed",
        "recently_updated",
    ]
    assert [b["label"] for b in cnc["badges"]] == ["国家规划教材", "校企双元合作开发", "近期修订"]
    assert [f["code"] for f in cnc["forms"]] == ["loose_leaf", "workbook", "mixed_media"]
    assert {m["code"] for m in cnc["majors"]} == {"460103", "660103"}
    assert cnc["status"] == {"code": "in_use", "label": "使用中"}
    assert cnc["url"] == "http://testserver" + CNC


def test_pages_of_the_list(demo_catalogue, api):
    count = len(published_slugs())
    first = api(LIST, page_size=5)
    assert (first["count"], first["page"], first["page_size"]) == (count, 1, 5)
    assert first["num_pages"] == -(-count // 5)
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/textbooks/?page_size=5&page=2"
    second = api(LIST, page=2, page_size=5)
    assert second["previous"] == "http://testserver/api/v1/textbooks/?page=1&page_size=5"
    last = api(LIST, page=first["num_pages"], page_size=5)
    assert last["next"] is None
    seen = [t["slug"] for p in (first, second, last) for t in p["results"]]
    assert len(seen) == len(set(seen)) == count
    assert len(api(LIST)["results"]) == min(count, 20)  # the default page size


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page_size": "101"}, "page_size", "须为 1 至 100 之间的整数。"),
        ({"page_size": "0"}, "page_size", "须为 1 至 100 之间的整数。"),
        ({"page": "abc"}, "page", "须为 1 至 1000000 之间的整数。"),
        ({"page": "-1"}, "page", "须为 1 至 1000000 之间的整数。"),
        ({"tier": "county"}, "tier", "可选值：national、provincial、school。"),
        ({"form": "pdf"}, "form", "可选值：loose_leaf、workbook、mixed_media。"),
        ({"course": "数控"}, "course", "须为课程编号（整数）。"),
        ({"recently_updated": "yes"}, "recently_updated", "须为 true 或 false。"),
        ({"teir": "national"}, "teir", "不支持的参数。"),
    ],
)
def test_bad_parameters_are_a_400_naming_each_one(demo_catalogue, api, params, field, message):
    body = api(LIST, status=400, **params)
    assert body["error"]["message"] == "请求参数有误。"
    assert list(body["error"]["details"]) == [field]
    assert body["error"]["details"][field].startswith(message)


def test_an_english_client_reads_the_allowed_values_punctuated_in_english(demo_catalogue, client):
    response = client.get(LIST, {"tier": "county"}, headers={"accept-language": "en"})
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert details["tier"] == "Allowed values: national, provincial, school."


def test_a_page_past_the_end_is_a_404(demo_catalogue, api):
    pages = -(-len(published_slugs()) // 10)
    body = api(LIST, status=404, page=pages + 1, page_size=10)
    assert body["error"]["message"] == f"页码超出范围：共 {pages} 页。"


def slugs(body):
    return sorted(t["slug"] for t in body["results"])


def expected(**filters):
    return sorted(
        Textbook.objects.filter(editions__is_current=True, **filters)
        .distinct()
        .values_list("slug", flat=True)
    )


def test_filters_combine(demo_catalogue, api):
    national = api(LIST, tier="national", page_size=100)
    assert slugs(national) == expected(tier="national") != []
    assert all(t["tier"]["code"] == "national" for t in national["results"])
    assert slugs(api(LIST, form="workbook", page_size=100)) == expected(is_workbook=True)
    course = Course.objects.get(name="数控机床编程与操作")
    by_course = api(LIST, course=course.pk, page_size=100)
    assert slugs(by_course) == expected(courses=course) != []
    by_major = api(LIST, major="460103", page_size=100)
    assert "cnc-programming" in slugs(by_major)
    assert slugs(by_major) == expected(majors__code="460103")
    both = api(LIST, major="460103", tier="provincial", page_size=100)
    assert slugs(both) == expected(majors__code="460103", tier="provincial")
    assert api(LIST, course=999999)["count"] == 0


def test_recently_updated_follows_the_current_edition_date(demo_catalogue, api):
    old = timezone.now() - datetime.timedelta(days=800)
    Edition.objects.filter(textbook__slug="smart-tax").update(published_at=old)
    recent = slugs(api(LIST, recently_updated="true", page_size=100))
    stale = slugs(api(LIST, recently_updated="false", page_size=100))
    assert "smart-tax" in stale and "smart-tax" not in recent
    assert "cnc-programming" in recent
    assert sorted(recent + stale) == published_slugs()
    smart = api("/api/v1/textbooks/smart-tax/")
    assert smart["recently_updated"] is False
    assert "recently_updated" not in [b["code"] for b in smart["badges"]]


def test_the_textbook_lists_its_editions_newest_first(demo_catalogue, api):
    body = api(CNC)
    assert [e["version"] for e in body["editions"]] == ["1.1", "1.0"]
    assert body["editions"][1]["successor"] == "1.1"
    assert body["editions"][1]["is_current"] is False
    assert body["editions"][0]["change_categories"]
    assert body["publisher"] == "机械工业出版社"
    assert "真实零件" in body["overview"]
    assert body["web_url"] == "http://testserver/textbooks/cnc-programming/"


def test_an_edition_is_its_manifest(demo_catalogue, api):
    body = api(CNC + "editions/1.0/")
    assert body["version"] == "1.0" and body["successor"] == "1.1"
    assert body["textbook"]["slug"] == "cnc-programming"
    edition = Edition.objects.get(textbook__slug="cnc-programming", major=1, minor=0)
    rows = list(edition.leaves.select_related("revision"))
    assert [leaf["title"] for leaf in body["leaves"]] == [r.revision.content["title"] for r in rows]
    assert [leaf["position"] for leaf in body["leaves"]] == [r.position for r in rows]
    g71 = next(leaf for leaf in body["leaves"] if leaf["slug"] == "unit-2-g71")
    assert g71["url"] == "http://testserver" + CNC + "editions/1.0/leaves/unit-2-g71/"
    assert g71["web_url"] == "http://testserver/textbooks/cnc-programming/editions/1.0/unit-2-g71/"


def test_a_leaf_is_read_from_the_revision_its_edition_pins(demo_catalogue, api, client):
    old = api(CNC + "editions/1.0/leaves/unit-2-g71/")
    new = api(CNC + "editions/1.1/leaves/unit-2-g71/")
    assert old["edition"]["version"] == "1.0" and new["edition"]["version"] == "1.1"
    assert "Ⅱ 型循环" not in str(old["body"])
    assert new["body"][-1]["type"] == "rich_text"
    assert new["body"][-1]["value"].startswith("<p>新增：数控系统新版本中 G71 循环")
    task = next(b for b in new["body"] if b["type"] == "work_task")["value"]
    assert task["steps"][1]["instruction"].endswith("非单调轮廓使用 Ⅱ 型循环。")
    assert isinstance(task["checklist"], list) and all(
        isinstance(c, str) for c in task["checklist"]
    )
    media = next(b for b in new["body"] if b["type"] == "media_resource")["value"]
    asset = media["asset"]
    assert set(asset) >= {"id", "title", "kind", "url", "poster_url", "captions_url"}
    assert media["caption"] == "扫码观看 G71 Ⅱ 型循环的刀具路径仿真"
    # A player's poster and captions, read from the edition's pinned copy like the video.
    assert asset["url"].endswith("/1.1/")
    assert asset["poster_url"] == asset["url"] + "poster/"
    assert asset["captions_url"] == asset["url"] + "captions.vtt"
    assert client.get(asset["poster_url"])["Content-Type"] == "image/jpeg"
    captions = client.get(asset["captions_url"])
    assert captions["Content-Type"].startswith("text/vtt")
    body = b"".join(captions.streaming_content if captions.streaming else [captions.content])
    assert body.startswith(b"WEBVTT")
    assert new["corrections"] == []


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/v1/textbooks/no-such-book/", "没有已发布的教材“no-such-book”。"),
        (CNC + "editions/9.9/", "没有第 9.9 版。"),
        (CNC + "editions/latest/", "没有第 latest 版。"),
        (CNC + "editions/1.0/leaves/no-such-leaf/", "第 1.0 版中没有活页“no-such-leaf”。"),
        ("/api/v1/pages/", "没有这个接口。接口说明见 /api/v1/openapi.json。"),
    ],
)
def test_unknown_things_are_json_404s(demo_catalogue, api, path, message):
    assert api(path, status=404)["error"]["message"].endswith(message)


def test_the_api_is_read_only(demo_catalogue, client):
    response = client.post(LIST, {"title": "x"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"]["message"] == "只读接口，只支持 GET 请求。"
