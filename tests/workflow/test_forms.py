"""Form rendering that browsers depend on."""

import re

from django.utils import timezone, translation

from workflow.forms import AssignForm


def test_due_date_renders_as_an_iso_date_in_chinese_too():
    # <input type="date"> accepts only YYYY-MM-DD; a localized 2026/12/12 shows as empty and
    # the browser refuses to submit the assignment.
    with translation.override("zh-hans"):
        html = str(AssignForm(tracks=[])["due_date"])
    value = re.search(r'value="([^"]+)"', html).group(1)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    assert value > timezone.localdate().isoformat()
