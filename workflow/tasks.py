"""Background tasks (django-tasks, as Wagtail 8 configures them)."""

from django_tasks import task

from workflow.services.lifecycle import sweep


@task()
def run_lifecycle_sweep(as_of=None):
    """The daily sweep, for deployments that enqueue it instead of calling the command."""
    import datetime

    result = sweep(datetime.date.fromisoformat(as_of) if as_of else None)
    return {"as_of": result.as_of.isoformat(), "moved": result.moved, "proposals": result.proposals}
