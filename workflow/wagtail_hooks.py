from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from media import hooks as media_hooks
from textbooks import scope
from workflow import urls
from workflow.archives import archived_keys
from workflow.models import EditionAsset, PinnedAsset
from workflow.services.lifecycle import watchlist
from workflow.services.review import OPEN_STATES
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

    def __init__(self, groups, scope_label):
        self.groups, self.scope_label = groups, scope_label

    def get_context_data(self, parent_context):
        return {"groups": self.groups, "scope": self.scope_label}


@hooks.register("construct_homepage_panels")
def add_lifecycle_panel(request, panels):
    if scope.is_administrator(request.user):
        textbooks = scope.administered_textbooks(request.user)
        panels.append(LifecyclePanel(watchlist(textbooks), scope.scope_label(request.user)))


@hooks.register(media_hooks.ASSETS_IN_USE)
def assets_pinned():
    """Editions stay readable and cases reviewable: the assets they pin are kept."""
    yield from EditionAsset.objects.values_list("asset_id", flat=True)
    yield from PinnedAsset.objects.filter(asset__isnull=False).values_list("asset_id", flat=True)


@hooks.register(media_hooks.KEYS_IN_USE)
def keys_pinned():
    """The bytes of every pinned copy, though the asset's file has been replaced since."""
    for model in (EditionAsset, PinnedAsset):
        yield from model.objects.values_list("key", flat=True)
        yield from model.objects.exclude(poster_key="").values_list("poster_key", flat=True)


hooks.register(media_hooks.KEYS_IN_USE, archived_keys)


@hooks.register(media_hooks.ASSET_KEEPERS)
def editions_and_open_cases_keeping(asset_ids):
    """A published edition keeps its assets for good; a case under review until it closes."""
    for pin in EditionAsset.objects.filter(asset_id__in=asset_ids).select_related(
        "edition__textbook"
    ):
        yield pin.asset_id, pin.edition
    for pin in PinnedAsset.objects.filter(
        asset_id__in=asset_ids, case__state__in=OPEN_STATES
    ).select_related("case__textbook"):
        yield pin.asset_id, pin.case
