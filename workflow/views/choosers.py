"""Choosing a current edition in a Wagtail chooser: searched by title or ISBN, filtered by
tier, ten at a time. At national scale a <select> of every current edition would be tens of
thousands of options on every selection line."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView

from textbooks.choosers import PickOnlyChooserViewSet, QueryFilterForm
from textbooks.models import Tier
from workflow.models import Edition


class EditionFilterForm(QueryFilterForm):
    query_label = _("书名或 ISBN")
    tier = forms.ChoiceField(
        label=_("规划层级"), choices=[("", _("全部")), *Tier.choices], required=False
    )

    def matching(self, objects, query):
        isbn = query.replace("-", "")
        return objects.filter(Q(textbook__title__icontains=query) | Q(textbook__isbn=isbn))

    def filter(self, objects):
        objects = super().filter(objects)
        if self.cleaned_data.get("tier"):
            objects = objects.filter(textbook__tier=self.cleaned_data["tier"])
        return objects


class EditionListing:
    filter_form_class = EditionFilterForm
    ordering = ["textbook__title", "pk"]

    @property
    def columns(self):
        return [
            self.title_column,
            Column("isbn", label=_("ISBN"), accessor="textbook.isbn"),
            Column("tier", label=_("规划层级"), accessor="textbook.get_tier_display"),
            Column("publisher", label=_("出版社"), accessor="textbook.publisher"),
        ]


class EditionChooseView(EditionListing, ChooseView):
    pass


class EditionChooseResultsView(EditionListing, ChooseResultsView):
    pass


class CurrentEditionChooserViewSet(PickOnlyChooserViewSet):
    """For the selection line; editions are made by publishing."""

    model = Edition
    icon = "doc-full"
    choose_one_text = _("选择教材")
    choose_another_text = _("另选教材")
    page_title = _("选择教材（现行版）")
    choose_view_class = EditionChooseView
    choose_results_view_class = EditionChooseResultsView

    def get_object_list(self):
        return Edition.objects.current().select_related("textbook", "textbook__publisher")


edition_chooser_viewset = CurrentEditionChooserViewSet("edition_chooser")
