from django.contrib import messages
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from textbooks import scope
from textbooks.actions import CreateTextbookAction
from textbooks.choosers import person_chooser_viewset
from textbooks.forms import InstitutionForm, MembershipForm, TextbookForm
from textbooks.hooks import TEXTBOOK_LINKS
from textbooks.i18n import enumeration
from textbooks.imports import importers_for
from textbooks.models import Course, Institution, Major, Membership, Textbook
from textbooks.publication import CLOSED_MESSAGE, REVIEWED_PAGES, is_reviewed_page
from textbooks.views import import_spreadsheet

# Textbook pages and leaves are published only by the review workflow (textbooks.publication).
# The permission tester already offers no publish action; a request that asks anyway (a
# crafted form post, a stale page) is refused with the reason, and nothing is saved.


def _refuse(request, url):
    messages.error(request, CLOSED_MESSAGE)
    return redirect(url)


@hooks.register("before_edit_page")
def refuse_publishing_from_the_editor(request, page):
    if request.method == "POST" and request.POST.get("action-publish") and is_reviewed_page(page):
        return _refuse(request, reverse("wagtailadmin_pages:edit", args=[page.pk]))


@hooks.register("before_create_page")
def refuse_publishing_a_new_page(request, parent_page, page_class):
    if (
        request.method == "POST"
        and request.POST.get("action-publish")
        and issubclass(page_class, REVIEWED_PAGES)
    ):
        return _refuse(request, request.get_full_path())


@hooks.register("before_bulk_action")
def refuse_bulk_publishing(request, action_type, objects, action):
    if action_type not in ("publish", "unpublish") or Page not in action.models:
        return None
    _allowed, refused = action.get_actionable_objects()
    if any(is_reviewed_page(page) for page in refused["items_with_no_access"]):
        return _refuse(request, action.next_url)
    return None


@hooks.register("insert_editor_js")
def table_editor_in_chinese():
    return format_html('<script src="{}"></script>', static("textbooks/js/table-zh-hans.js"))


@hooks.register("register_actions")
def register_textbook_actions(registry):
    registry.register(Textbook, CreateTextbookAction)


class InUseDeleteView(generic.DeleteView):
    """Deleting a catalogue row that plans, selections, filings or editions still refer to
    (PROTECT) is refused, naming what uses it, instead of failing with a ProtectedError."""

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ProtectedError as error:
            uses = enumeration(
                sorted({str(capfirst(o._meta.verbose_name)) for o in error.protected_objects})
            )
            messages.error(
                request,
                _("“%(name)s”仍被%(uses)s使用，不能删除。") % {"name": self.object, "uses": uses},
            )
            return redirect(self.index_url_name)


class KeptMixin:
    """Rows outside the viewer's keeping are neither listed nor reached (404), in every
    view of the record: edit, delete, history, usage, copy. ``kept(user)`` is the queryset
    of the rows ``user`` keeps; the viewset passes it."""

    kept = None

    def get_base_queryset(self):
        return super().get_base_queryset().filter(pk__in=self.kept(self.request.user).values("pk"))

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        if not self.kept(self.request.user).filter(pk=instance.pk).exists():
            raise Http404
        return instance


class KeptIndexView(KeptMixin, generic.IndexView):
    pass


class KeptEditView(KeptMixin, generic.EditView):
    pass


class KeptDeleteView(KeptMixin, InUseDeleteView):
    pass


class KeptHistoryView(KeptMixin, history.HistoryView):
    pass


class KeptUsageView(KeptMixin, usage.UsageView):
    pass


class KeptCopyView(KeptMixin, generic.CopyView):
    pass


class KeptViewSet(ModelViewSet):
    """A catalogue viewset kept per administrator (``kept``: a function of the user giving
    the queryset of the rows he or she keeps)."""

    kept = None
    index_view_class = KeptIndexView
    edit_view_class = KeptEditView
    delete_view_class = KeptDeleteView
    history_view_class = KeptHistoryView
    usage_view_class = KeptUsageView
    copy_view_class = KeptCopyView

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(kept=self.kept, **kwargs)


class MajorViewSet(ModelViewSet):
    model = Major
    delete_view_class = InUseDeleteView
    icon = "tag"
    menu_label = _("专业目录")
    list_display = ["code", "name", "category", "level"]
    list_export = ["code", "name", "category", "level"]
    list_filter = ["level", "category"]
    search_fields = ["code", "name", "category"]
    form_fields = ["code", "name", "category", "level"]
    add_to_admin_menu = False


def yes_no(model, name):
    """A listing column showing a boolean field as 是 / 否 (Django writes True / False)."""
    return Column(
        name,
        label=capfirst(model._meta.get_field(name).verbose_name),
        accessor=lambda instance: _("是") if getattr(instance, name) else _("否"),
    )


class CourseViewSet(ModelViewSet):
    model = Course
    delete_view_class = InUseDeleteView
    icon = "list-ul"
    menu_label = _("课程")
    list_display = [
        "name",
        "course_type",
        yes_no(Course, "is_compulsory"),
        yes_no(Course, "uses_unified_textbook"),
    ]
    list_export = ["name", "course_type", "is_compulsory", "uses_unified_textbook"]
    list_filter = ["course_type", "is_compulsory", "uses_unified_textbook"]
    search_fields = ["name"]
    form_fields = ["name", "course_type", "is_compulsory", "uses_unified_textbook", "majors"]


class InstitutionViewSet(KeptViewSet):
    model = Institution
    kept = staticmethod(scope.administered_institutions)
    icon = "home"
    menu_label = _("单位")
    list_display = ["name", "code", "kind", "province"]
    list_export = ["code", "name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "code"]
    edit_handler = ObjectList(
        [FieldPanel(name) for name in ("name", "code", "kind", "province")],
        base_form_class=InstitutionForm,
    )


def kept_memberships(user):
    return Membership.objects.filter(institution__in=scope.administered_institutions(user))


class MembershipViewSet(KeptViewSet):
    """Members and their roles are kept here, one row per person and institution."""

    model = Membership
    kept = staticmethod(kept_memberships)
    icon = "group"
    menu_label = _("单位成员")
    list_display = ["institution", "user", "role"]
    list_filter = ["role", "institution__kind"]
    search_fields = ["institution__name", "user__username", "user__last_name"]
    edit_handler = ObjectList(
        [FieldPanel(name) for name in ("institution", "user", "role")],
        base_form_class=MembershipForm,
    )


class TextbookIndexView(generic.IndexView):
    """The catalogue is listed whole, and a record is edited only by its administrators; a
    writer who administers nothing sees the textbooks he or she writes, the ones to act on.
    Each row offers what the viewer may do with it there (TEXTBOOK_LINKS)."""

    @cached_property
    def administers(self):
        return scope.administrator(self.request.user)

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        user = self.request.user
        written = Textbook.objects.authored_by(user).values("pk")
        if scope.is_administrator(user) or not written.exists():
            return queryset
        return queryset.filter(pk__in=written)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for fn in hooks.get_hooks(TEXTBOOK_LINKS):
            for n, (label, url, icon) in enumerate(fn(self.request.user, instance)):
                buttons.append(MenuItem(label, url=url, icon_name=icon, priority=40 + n))
        return buttons

    def get_edit_url(self, instance):
        return super().get_edit_url(instance) if self.administers(instance) else None

    def get_delete_url(self, instance):
        return super().get_delete_url(instance) if self.administers(instance) else None


class TextbookViewSet(KeptViewSet):
    """The whole catalogue is listed (TextbookIndexView); a record is reached only by its
    administrators (scope.administered_textbooks)."""

    model = Textbook
    kept = staticmethod(scope.administered_textbooks)
    index_view_class = TextbookIndexView
    icon = "doc-full"
    menu_label = _("教材")
    list_display = ["title", "isbn", "tier", "province", "editor_in_chief", "publisher"]
    # Headers as textbooks.imports reads them (the verbose names), so an export re-imports.
    list_export = [
        "isbn",
        "title",
        "slug",
        "tier",
        "kind",
        "editor_in_chief",
        "publisher",
        "province",
    ]
    list_filter = [
        "tier",
        "province",
        "ideology_sensitive",
        "is_loose_leaf",
        "is_workbook",
        "is_mixed_media",
    ]
    search_fields = ["title", "isbn"]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("slug"),
            FieldPanel("isbn"),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("is_loose_leaf"),
                            FieldPanel("is_workbook"),
                            FieldPanel("is_mixed_media"),
                        ]
                    )
                ],
                heading=_("教材形态"),
            ),
            FieldPanel("kind"),
            FieldPanel("tier"),
            FieldPanel("ideology_sensitive"),
            FieldPanel("courses"),
            FieldPanel("majors"),
            FieldPanel("editor_in_chief"),
            FieldPanel("authors"),
            FieldPanel("co_developers"),
            FieldPanel("publisher"),
            FieldPanel("province"),
        ],
        base_form_class=TextbookForm,
    )


class CatalogueViewSetGroup(ViewSetGroup):
    menu_label = _("教材目录")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (TextbookViewSet, MajorViewSet, CourseViewSet, InstitutionViewSet, MembershipViewSet)


@hooks.register("register_admin_viewset")
def register_catalogue_viewsets():
    return CatalogueViewSetGroup()


@hooks.register("register_admin_viewset")
def register_person_chooser():
    return person_chooser_viewset


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("catalogue/import/", import_spreadsheet, name="catalogue_import")]


class ImportMenuItem(AdminMenuItem):
    def is_shown(self, request):
        return bool(importers_for(request.user))


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("导入表格"), reverse("catalogue_import"), icon_name="upload", order=205)
