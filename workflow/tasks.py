"""Background tasks (django-tasks, as Wagtail 8 configures them)."""

from django_tasks import task

from workflow.archives import archive_edition
from workflow.models import Edition
from workflow.services.lifecycle import sweep


@task()
def run_lifecycle_sweep(as_of=None):
    """The daily sweep, for deployments that enqueue it instead of calling the command."""
    import datetime

    result = sweep(datetime.date.fromisoformat(as_of) if as_of else None)
    return {"as_of": result.as_of.isoformat(), "moved": result.moved, "proposals": result.proposals}


@task()
def archive_published_edition(edition_id):
    """Write an edition's archive, print PDF included (seconds of CPU for a large edition:
    a deployment with a task worker keeps it out of the publishing request)."""
    archive_edition(Edition.objects.select_related("textbook").get(pk=edition_id))
