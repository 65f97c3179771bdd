from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.models import Revision

from media import hooks as media_hooks
from media.references import asset_ids_in_stream
from workflow import urls
from workflow.archives import archived_keys
from workflow.models import EditionLeaf
from workflow.services.lifecycle import administered_textbooks, watchlist
from workflow.views.admin import my_open_assignments


@hooks.register("register_admin_urls")
def register_review_urls():
    return [path("reviews/", include((urls, "workflow"), namespace="workflow"))]


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return MenuItem(_("审核与版次"), reverse("workflow:cases"), icon_name="tasks", order=210)


@hooks.register("register_admin_menu_item")
def register_errata_menu_item():
    return MenuItem(_("勘误处理"), reverse("workflow:errata"), icon_name="warning", order=215)


class MyReviewsPanel(Component):
    """Dashboard: the reviewer's open assignments, earliest due date first."""

    name = "my_reviews"
    order = 50
    template_name = "workflow/admin/my_reviews_panel.html"

    def __init__(self, assignments):
        self.assignments = assignments

    def get_context_data(self, parent_context):
        return {"assignments": self.assignments}


@hooks.register("construct_homepage_panels")
def add_my_reviews_panel(request, panels):
    assignments = list(my_open_assignments(request.user))
    if assignments:
        panels.append(MyReviewsPanel(assignments))


class LifecyclePanel(Component):
    """Dashboard: revision cycles to watch, by province and tier (administrators)."""

    name = "lifecycle_watch"
    order = 60
    template_name = "workflow/admin/lifecycle_panel.html"

    def __init__(self, groups, scope):
        self.groups, self.scope = groups, scope

    def get_context_data(self, parent_context):
        return {"groups": self.groups, "scope": self.scope}


@hooks.register("construct_homepage_panels")
def add_lifecycle_panel(request, panels):
    textbooks, scope = administered_textbooks(request.user)
    if textbooks is not None:
        panels.append(LifecyclePanel(watchlist(textbooks), scope))


@hooks.register(media_hooks.ASSETS_IN_USE)
def assets_pinned_by_editions():
    """Old editions stay readable: the assets their pinned revisions show are kept."""
    for content in Revision.objects.filter(
        pk__in=EditionLeaf.objects.values("revision_id")
    ).values_list("content", flat=True):
        yield from asset_ids_in_stream(content.get("body", "[]"))


hooks.register(media_hooks.KEYS_IN_USE, archived_keys)
