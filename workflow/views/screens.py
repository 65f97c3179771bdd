"""What every review-workflow admin screen shares: Wagtail's breadcrumbs from the dashboard
down, and the heading the header shows (workflow/admin/base.html)."""

from django.urls import reverse
from django.utils.translation import gettext as _


def breadcrumbs(*items):
    """Wagtail breadcrumb items for (label, url) pairs after the dashboard; the last, the
    current screen, has no link (url None)."""
    return [
        {"url": reverse("wagtailadmin_home"), "label": _("仪表板")},
        *({"url": url, "label": label} for label, url in items),
    ]


def cases():
    return (_("审核与版次"), reverse("workflow:cases"))


def case(case):
    return (
        _("%(title)s：%(kind)s") % {"title": case.textbook.title, "kind": case.get_kind_display()},
        reverse("workflow:case", args=[case.pk]),
    )


def errata():
    return (_("勘误处理"), reverse("workflow:errata"))


def textbooks():
    return (_("教材"), reverse("textbook:index"))


def selections():
    return (_("选用备案"), reverse("workflow:selections"))


def selection(plan):
    return (
        _("%(school)s %(term)s 选用计划") % {"school": plan.school.name, "term": plan.term_label},
        reverse("workflow:selection_plan", args=[plan.pk]),
    )


def batches():
    return (_("规划教材"), reverse("planning:batches"))


def batch(batch):
    return (batch.title, reverse("planning:batch", args=[batch.pk]))


def filings():
    return (_("校本教材备案"), reverse("planning:filings"))


def sampling():
    return (_("抽查与退出"), reverse("workflow:sampling"))


def campaign(campaign):
    return (str(campaign), reverse("workflow:sampling_campaign", args=[campaign.pk]))


def retirements():
    return (_("退出案"), reverse("workflow:retirements"))
