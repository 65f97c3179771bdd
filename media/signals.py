"""Receivers: a published edition is archived once its transaction has committed."""

from django.dispatch import receiver

from media.archives import archive_edition
from workflow.signals import edition_published


@receiver(edition_published)
def archive_published_edition(sender, edition, **kwargs):
    archive_edition(edition)
