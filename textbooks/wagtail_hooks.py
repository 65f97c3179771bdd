from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from textbooks.actions import CreateTextbookAction
from textbooks.forms import TextbookForm
from textbooks.models import Course, Institution, Major, Textbook


@hooks.register("register_actions")
def register_textbook_actions(registry):
    registry.register(Textbook, CreateTextbookAction)


class MajorViewSet(ModelViewSet):
    model = Major
    icon = "tag"
    menu_label = _("专业目录")
    list_display = ["code", "name", "category", "level"]
    list_filter = ["level", "category"]
    search_fields = ["code", "name", "category"]
    form_fields = ["code", "name", "category", "level"]
    add_to_admin_menu = False


class CourseViewSet(ModelViewSet):
    model = Course
    icon = "list-ul"
    menu_label = _("课程")
    list_display = ["name", "course_type", "is_compulsory", "uses_unified_textbook"]
    list_filter = ["course_type", "is_compulsory", "uses_unified_textbook"]
    search_fields = ["name"]
    form_fields = ["name", "course_type", "is_compulsory", "uses_unified_textbook", "majors"]


class InstitutionViewSet(ModelViewSet):
    model = Institution
    icon = "home"
    menu_label = _("单位")
    list_display = ["name", "kind", "province"]
    list_filter = ["kind", "province"]
    search_fields = ["name"]
    form_fields = ["name", "kind", "province", "members"]


class TextbookViewSet(ModelViewSet):
    model = Textbook
    icon = "doc-full"
    menu_label = _("教材")
    list_display = ["title", "isbn", "tier", "province", "editor_in_chief", "publisher"]
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
    items = (TextbookViewSet, MajorViewSet, CourseViewSet, InstitutionViewSet)


@hooks.register("register_admin_viewset")
def register_catalogue_viewsets():
    return CatalogueViewSetGroup()
