"""Choosing a person in a Wagtail chooser: searched by name or username, twenty at a time. At
national scale a <select> of every account would be tens of thousands of options on every
membership form. Only administrators, who keep the memberships, may list people."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from textbooks import scope


class QueryFilterForm(BaseFilterForm):
    """A chooser's search box, labelled ``query_label``, first among the filters; a subclass
    says in ``matching(objects, query)`` what the words find."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        query = forms.CharField(
            label=self.query_label,
            widget=forms.TextInput(attrs={"placeholder": self.query_label}),
            required=False,
            max_length=200,
        )
        self.fields = {"q": query, **self.fields}

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            objects = self.matching(objects, query)
        return objects


class PersonFilterForm(QueryFilterForm):
    query_label = _("姓名或用户名")

    def matching(self, objects, query):
        # A Chinese name is written family name first, with or without a space.
        family, given = query[:1], query[1:].strip()
        return objects.filter(
            Q(username__icontains=query)
            | Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name=family, first_name__startswith=given)
        )


class AdministratorsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not scope.is_administrator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PersonListing(AdministratorsOnly):
    filter_form_class = PersonFilterForm
    ordering = ["last_name", "first_name", "username"]

    @property
    def columns(self):
        name = self.title_column  # str(user): textbooks.names.display_name
        name.label = _("姓名")
        return [name, Column("username", label=_("用户名"))]


class PersonChooseView(PersonListing, ChooseView):
    pass


class PersonChooseResultsView(PersonListing, ChooseResultsView):
    pass


class PersonChosenView(AdministratorsOnly, ChosenView):
    def get_object(self, pk):
        # An id that is no number names nobody (404), like one that names no account.
        if not pk.isdigit():
            raise get_user_model().DoesNotExist
        return super().get_object(pk)


class PickOnlyChooserViewSet(ChooserViewSet):
    """A chooser of records made elsewhere, twenty at a time, for the one form that names its
    widget (other forms keep their own): no creation view (Wagtail's would fail on any
    request without a creation form)."""

    per_page = 20
    register_widget = False

    def get_urlpatterns(self):
        return [url for url in super().get_urlpatterns() if url.name != "create"]


class PersonChooserViewSet(PickOnlyChooserViewSet):
    """For the membership form; accounts are made in Wagtail's user screens."""

    model = get_user_model()
    icon = "user"
    choose_one_text = _("选择人员")
    choose_another_text = _("另选人员")
    page_title = _("选择人员")
    choose_view_class = PersonChooseView
    choose_results_view_class = PersonChooseResultsView
    chosen_view_class = PersonChosenView

    def get_object_list(self):
        return get_user_model().objects.filter(is_active=True)


person_chooser_viewset = PersonChooserViewSet("person_chooser")
