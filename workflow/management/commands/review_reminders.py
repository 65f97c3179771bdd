"""Remind reviewers of opinions due soon or overdue. Run daily by cron; safe to run twice
(each assignment is reminded at most once a day)."""

import datetime

from django.core.management.base import BaseCommand
from django.db.models import F
from django.utils import timezone

from workflow import notifications
from workflow.models import AssignmentState, CaseState, ReviewAssignment


class Command(BaseCommand):
    help = "E-mail reviewers whose opinions are due within --days days or overdue."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3)

    def handle(self, *args, days, **options):
        today = timezone.localdate()
        due = ReviewAssignment.objects.filter(
            track__case__state=CaseState.IN_REVIEW,
            round=F("track__case__round"),
            state=AssignmentState.ACTIVE,
            opinion__isnull=True,
            due_date__lte=today + datetime.timedelta(days=days),
        ).exclude(last_reminded_on=today)
        sent = 0
        for assignment in due.select_related("track__case__textbook", "reviewer"):
            notifications.due_reminder(assignment, today)
            ReviewAssignment.objects.filter(pk=assignment.pk).update(last_reminded_on=today)
            sent += 1
        self.stdout.write(f"reminded {sent} reviewer(s)")
