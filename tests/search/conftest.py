"""Search fixtures; the demo catalogue (demo_catalogue) is in tests/conftest.py."""

import pytest


@pytest.fixture
def published_textbook(make_textbook, users, django_capture_on_commit_callbacks):
    """published_textbook(title, leaf_text) -> a school-tier textbook with one leaf, published
    as edition 1.0 through the review workflow, and indexed."""
    from tests.workflow.conftest import add_leaf, published_edition

    def publish(title, leaf_text="", **fields):
        textbook = make_textbook(users["author"], title=title, tier="school", **fields)
        add_leaf(textbook, "unit-1", leaf_text or title, users["author"])
        with django_capture_on_commit_callbacks(execute=True):
            published_edition(textbook, users["author"], users["reviewer"], users["national"])
        return textbook

    return publish


def slugs(results):
    return [hit.slug for hit in results.hits]
