"""Wherever Wagtail's user and group admin names a group, a role is named by its label in the
reader's language (textbooks.roles.label); the group's stored name stays what migrations use."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.users import forms
from wagtail.users.views import groups, users

from textbooks import roles


def group_label(group):
    return roles.label(group.name)


class RoleLabels:
    """The "Roles" tab of a user: one checkbox per group, labelled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].label_from_instance = group_label


class UserCreationForm(RoleLabels, forms.UserCreationForm):
    pass


class UserEditForm(RoleLabels, forms.UserEditForm):
    pass


class RoleChoiceField(users.GroupFilter.field_class):
    def label_from_instance(self, group):
        return group_label(group)


class UserFilterSet(users.UserFilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail adds the group filter per instance; its form field is built on first use.
        self.filters["group"].field_class = RoleChoiceField


class UserViewSet(users.UserViewSet):
    filterset_class = UserFilterSet

    def get_form_class(self, for_update=False):
        return UserEditForm if for_update else UserCreationForm


class GroupIndexView(groups.IndexView):
    columns = [
        TitleColumn(
            "name",
            accessor=group_label,
            label=groups.IndexView.columns[0].label,  # Wagtail's "Name", from its catalogue
            sort_key="name",
            url_name="wagtailusers_groups:edit",
        ),
        # What each role may do, so that an administrator assigns roles knowingly.
        Column(
            "description",
            accessor=lambda group: roles.DESCRIPTIONS.get(group.name, ""),
            label=_("职责"),
        ),
    ]


class LabelledSubtitle:
    def get_page_subtitle(self):
        return group_label(self.object)


class GroupEditView(LabelledSubtitle, groups.EditView):
    pass


class GroupDeleteView(LabelledSubtitle, groups.DeleteView):
    pass


class GroupViewSet(groups.GroupViewSet):
    index_view_class = GroupIndexView
    edit_view_class = GroupEditView
    delete_view_class = GroupDeleteView
