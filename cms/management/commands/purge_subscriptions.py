from django.core.management.base import BaseCommand

from cms.site.subscriptions import CONFIRM_DAYS, purge_unconfirmed


class Command(BaseCommand):
    help = (
        f"Delete edition subscriptions never confirmed within {CONFIRM_DAYS} days "
        "(daily from cron; idempotent)."
    )

    def handle(self, **options):
        purged = purge_unconfirmed()
        self.stdout.write(f"{purged} unconfirmed subscription(s) deleted")
