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
