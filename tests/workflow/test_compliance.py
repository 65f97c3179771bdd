"""The compliance figures: the dashboard, its XLSX export and ``manage.py compliance_report``
show the counts a test computes on its own from the demo data, in the viewer's scope."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from textbooks.models import Institution, Textbook
from workflow.models import (
    SamplingCampaign,
    SamplingCheck,
    SelectionLine,
    SelectionPlan,
    TextbookLifecycle,
)
from workflow.services import sampling, selection

# One demo load for the module (rolled back at its end); each test in a savepoint inside it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]

IN_FORCE = {"filed", "accepted", "flagged"}
NOT_LATEST = {"revision_overdue", "suspended", "retired"}


def report(*args):
    out = io.StringIO()
    call_command("compliance_report", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def independent_counts(province=None):
    """The figures from plain rows and Python, not from the service's queries."""
    year, season = selection.current_term()
    in_scope = lambda p: province is None or p == province  # noqa: E731
    textbooks = [t for t in Textbook.objects.all() if in_scope(t.province)]
    plans = [
        p
        for p in SelectionPlan.objects.select_related("school")
        if p.state in IN_FORCE
        and (p.year, p.season) == (year, season)
        and in_scope(p.school.province)
    ]
    lines = [
        line
        for line in SelectionLine.objects.select_related("edition__textbook__lifecycle", "course")
        if line.plan_id in {p.pk for p in plans} and line.course.course_type == "professional"
    ]
    latest = [
        line
        for line in lines
        if line.edition.is_current and line.edition.textbook.lifecycle.state not in NOT_LATEST
    ]
    states = [TextbookLifecycle.objects.get(textbook=t).state for t in textbooks]
    return {
        "co_developed_planned": sum(
            1 for t in textbooks if t.tier == "national" and t.is_co_developed
        ),
        "lines": len(lines),
        "latest": len(latest),
        "selections_filed": len({p.school_id for p in plans}),
        "selections_expected": sum(
            1 for i in Institution.objects.all() if i.kind == "school" and in_scope(i.province)
        ),
        "revisions_due": states.count("revision_due"),
        "revisions_overdue": states.count("revision_overdue"),
    }


def test_dashboard_export_and_report_show_the_demo_counts(client, django_user_model):
    # Make the figures less trivial: one textbook overdue, one due.
    for slug, name in (("cnc-process", "mark_overdue"), ("smart-tax", "give_notice")):
        lifecycle = TextbookLifecycle.objects.get(textbook__slug=slug)
        getattr(lifecycle, name)(by=None)
        lifecycle.save()
    expected = independent_counts()
    assert expected["selections_filed"] == 1 and expected["lines"] == 1
    assert expected["revisions_due"] == expected["revisions_overdue"] == 1

    data = report()
    for key in (
        "co_developed_planned",
        "selections_filed",
        "selections_expected",
        "revisions_due",
        "revisions_overdue",
    ):
        assert data[key] == expected[key], key
    assert data["co_developed_target"] == 10000
    assert data["latest_updated_share"]["JS"] == expected["latest"] / expected["lines"]
    assert data["latest_updated_share"]["GD"] is None
    # The demo's concluded campaign (its own test below counts it independently).
    assert data["sampling_coverage"] == sampling.coverage_shares()

    jiangsu = report("--province", "JS")
    counted = independent_counts("JS")
    assert list(jiangsu["latest_updated_share"]) == ["JS"]
    assert jiangsu["selections_expected"] == counted["selections_expected"] == 2
    assert jiangsu["co_developed_planned"] == counted["co_developed_planned"]

    # The national administrator's dashboard: every province, the same numbers.
    client.force_login(django_user_model.objects.get(username="national"))
    page = client.get(reverse("workflow:compliance")).content.decode()
    assert page.count('class="compliance-chart"') == 6
    assert (
        f'<th scope="row">合计</th><td>{expected["selections_filed"]}</td>'
        f"<td>{expected['selections_expected']}</td>" in page
    )
    assert (
        f'<th scope="row">江苏省</th><td>{expected["lines"]}</td><td>{expected["latest"]}</td>'
        in page
    )
    assert "暂无抽查数据" not in page  # the demo's campaign fills the sampling chart
    workbook = load_workbook(io.BytesIO(client.get(reverse("workflow:compliance_xlsx")).content))
    rows = list(workbook["校企合作开发的国家规划教材"].values)
    assert rows == [
        ("已有", "目标", "完成比例"),
        (expected["co_developed_planned"], 10000, rows[1][2]),
    ]

    # Jiangsu's administrator sees Jiangsu only.
    client.force_login(django_user_model.objects.get(username="province"))
    page = client.get(reverse("workflow:compliance")).content.decode()
    assert "江苏省" in page and "广东省" not in page
    assert (
        f'<th scope="row">合计</th><td>{counted["selections_filed"]}</td>'
        f"<td>{counted['selections_expected']}</td>" in page
    )


def test_sampling_coverage_is_the_latest_cycles_checks_over_textbooks_in_use(
    client, django_user_model
):
    """The demo's concluded national campaign: per province, checks drawn over the textbooks in
    use when drawn."""
    [cycle] = SamplingCampaign.objects.values_list("cycle", flat=True).distinct()
    rows = {row["province"]: row for row in sampling.coverage_by_province(cycle)}
    assert rows, "the demo campaign covers at least one province"
    for code, row in rows.items():
        drawn = SamplingCheck.objects.filter(cycle=cycle, province=code).count()
        assert row["national"] + row["provincial"] == drawn
        assert report("--province", code)["sampling_coverage"] == {
            code: round(drawn / row["in_use"], 4)
        }
    code, row = next(iter(rows.items()))
    client.force_login(django_user_model.objects.get(username="national"))
    page = client.get(reverse("workflow:compliance")).content.decode()
    assert f'<th scope="row">{row["label"]}</th><td>{row["coverage"] * 100:.1f}%</td>' in page


def test_only_administrators_see_the_dashboard_and_a_bad_province_is_refused(
    client, django_user_model
):
    client.force_login(django_user_model.objects.get(username="committee"))
    assert client.get(reverse("workflow:compliance")).status_code in (302, 403)
    assert client.get(reverse("workflow:compliance_xlsx")).status_code in (302, 403)
    with pytest.raises(CommandError, match="unknown province"):
        report("--province", "XX")
