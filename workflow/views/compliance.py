"""The compliance dashboard (达标情况): the action plan's figures in the viewer's scope, each
as an SVG chart with its table, and the same tables as an XLSX workbook."""

import io
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from textbooks import scope
from textbooks.models import PROVINCES
from workflow.charts import bar_chart
from workflow.models.planning import BatchState
from workflow.services import compliance
from workflow.services.selection import term_label
from workflow.views import screens


@dataclass
class Section:
    key: str
    title: str
    headers: list
    rows: list  # the table: one list of cells per row
    chart: str  # SVG markup
    note: str = ""


def _share(part, whole):
    return part / whole if whole else None


def _percent(value):
    return "—" if value is None else f"{value:.1%}"


def sections(figures):
    """The dashboard's sections, in order: what both the page and the workbook show."""
    labels = dict(PROVINCES)
    provinces = figures.provinces
    result = []

    done, target = figures.co_developed_planned, figures.co_developed_target
    result.append(
        Section(
            "co_developed",
            _("校企合作开发的国家规划教材"),
            [_("已有"), _("目标"), _("完成比例")],
            [[done, target, _percent(_share(done, target))]],
            bar_chart(
                _("校企合作开发的国家规划教材"),
                [(_("已有"), [done]), (_("目标"), [target])],
                series=[_("种数")],
            ),
        )
    )

    lines = figures.professional_lines
    shares = figures.latest_updated_share
    shown = [code for code in provinces if lines[code]["lines"]] or provinces[:1]
    result.append(
        Section(
            "latest_updated",
            _("专业课选用最新修订教材的比例"),
            [_("省份"), _("专业课选用条目"), _("其中最新修订教材"), _("比例")],
            [
                [labels[c], lines[c]["lines"], lines[c]["latest"], _percent(shares[c])]
                for c in provinces
            ],
            bar_chart(
                _("专业课选用最新修订教材的比例"),
                [(labels[c], [shares[c]]) for c in shown],
                series=[_("比例")],
                percent=True,
            ),
            _("本学期已备案的选用计划中的专业课条目；只列有条目的省份的图形。"),
        )
    )

    sel = figures.selections
    result.append(
        Section(
            "selections",
            _("已备案选用计划 / 应备案学校"),
            [_("省份"), _("已备案"), _("学校数"), _("比例")],
            [
                [
                    labels[c],
                    sel[c]["filed"],
                    sel[c]["expected"],
                    _percent(_share(sel[c]["filed"], sel[c]["expected"])),
                ]
                for c in provinces
            ]
            + [
                [
                    _("合计"),
                    figures.selections_filed,
                    figures.selections_expected,
                    _percent(_share(figures.selections_filed, figures.selections_expected)),
                ]
            ],
            bar_chart(
                _("已备案选用计划 / 应备案学校"),
                [
                    (labels[c], [sel[c]["filed"], sel[c]["expected"]])
                    for c in provinces
                    if sel[c]["expected"]
                ]
                or [(_("合计"), [0, 0])],
                series=[_("已备案"), _("学校数")],
            ),
        )
    )

    stages = dict(BatchState.choices)
    batches = figures.batches_by_stage
    result.append(
        Section(
            "batches",
            _("规划批次（按阶段）"),
            [_("阶段"), _("批次数")],
            [[stages[s], batches[s]] for s in BatchState.values],
            bar_chart(
                _("规划批次（按阶段）"),
                [(stages[s], [batches[s]]) for s in BatchState.values],
                series=[_("批次数")],
            ),
        )
    )

    coverage = figures.sampling_coverage
    result.append(
        Section(
            "sampling",
            _("抽查覆盖率（按省份）"),
            [_("省份"), _("覆盖率")],
            [[labels[c], _percent(coverage.get(c))] for c in provinces],
            bar_chart(
                _("抽查覆盖率（按省份）"),
                [(labels[c], [coverage[c]]) for c in provinces if c in coverage]
                or [(_("暂无抽查数据"), [None])],
                series=[_("覆盖率")],
                percent=True,
            ),
            "" if coverage else _("暂无抽查数据。"),
        )
    )

    rev = figures.revisions
    result.append(
        Section(
            "revisions",
            _("待修订与逾期未修订的教材"),
            [_("省份"), _("待修订"), _("逾期未修订")],
            [[labels[c], rev[c]["due"], rev[c]["overdue"]] for c in provinces]
            + (
                [[_("未填省份"), *figures.unplaced_revisions.values()]]
                if figures.nationwide
                else []
            )
            + [[_("合计"), figures.revisions_due, figures.revisions_overdue]],
            bar_chart(
                _("待修订与逾期未修订的教材"),
                [
                    (labels[c], [rev[c]["due"], rev[c]["overdue"]])
                    for c in provinces
                    if rev[c]["due"] or rev[c]["overdue"]
                ]
                or [(_("合计"), [0, 0])],
                series=[_("待修订"), _("逾期未修订")],
            ),
        )
    )
    return result


def _figures(request):
    if not scope.is_administrator(request.user):
        raise PermissionDenied
    provinces = scope.administered_provinces(request.user)
    return compliance.figures(None if provinces is scope.EVERY_PROVINCE else provinces)


def dashboard(request):
    figures = _figures(request)
    heading = _("达标情况 · %(scope)s · %(term)s") % {
        "scope": scope.scope_label(request.user),
        "term": term_label(*figures.term),
    }
    return TemplateResponse(
        request,
        "workflow/admin/compliance.html",
        {
            "figures": figures,
            "sections": sections(figures),
            "scope": scope.scope_label(request.user),
            "term": term_label(*figures.term),
            "heading": heading,
            "breadcrumbs": screens.breadcrumbs((_("达标情况"), None)),
            "header_icon": "doc-full",
        },
    )


def export_xlsx(request):
    from openpyxl import Workbook

    figures = _figures(request)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for section in sections(figures):
        # Excel forbids some characters in sheet names and allows 31 characters.
        name = re.sub(r"[\[\]:*?/\\]", "-", str(section.title))[:31]
        sheet = workbook.create_sheet(name)
        sheet.append([str(h) for h in section.headers])
        for row in section.rows:
            sheet.append([c if isinstance(c, int | float) else str(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="compliance.xlsx"'
    return response
