from wagtail.users.apps import WagtailUsersAppConfig


class UsersConfig(WagtailUsersAppConfig):
    """Replaces ``wagtail.users`` in INSTALLED_APPS (Wagtail's way to customise its user and
    group viewsets); the app keeps its name and label, so its migrations and URLs stay."""

    user_viewset = "textbooks.users.views.UserViewSet"
    group_viewset = "textbooks.users.views.GroupViewSet"
