from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("审核与生命周期")

    def ready(self):
        from workflow import receivers, signals  # noqa: F401  (connect the receivers)
