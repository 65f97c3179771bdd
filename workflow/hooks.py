"""What workflow asks of work that plugs into it without being imported here.

Functions are registered under these Wagtail hook names (in a wagtail_hooks.py), the same
mechanism as media/hooks.py.
"""

from wagtail import hooks

#: fn(provinces) -> {province code: share of the province's textbooks in use covered by
#: national and provincial sampling checks this cycle, 0..1}. ``provinces`` is a list of
#: codes. The compliance dashboard shows what is registered; with nothing registered (no
#: sampling data yet) the coverage is empty.
SAMPLING_COVERAGE = "workflow_sampling_coverage"


def sampling_coverage(provinces):
    """The coverage every registered function reports, later registrations winning."""
    found = {}
    for fn in hooks.get_hooks(SAMPLING_COVERAGE):
        found.update({code: share for code, share in fn(list(provinces)).items()})
    return {code: found[code] for code in provinces if code in found}
