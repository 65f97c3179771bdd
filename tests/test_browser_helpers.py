"""The accessibility check the browser tests use finds what it should, offline."""

import pytest

from tests.browser_helpers import assert_accessible, axe_violations
from tests.conftest import requires_browser

pytestmark = requires_browser


def test_axe_reports_a_critical_violation_and_passes_a_clean_page(browser):
    page = browser.new_page()
    page.set_content('<html lang="zh-hans"><title>t</title><main><img src="x.png"></main></html>')
    assert [v[0] for v in axe_violations(page)] == ["image-alt"]
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
    page.set_content('<html lang="zh-hans"><title>t</title><main><p>正文</p></main></html>')
    assert_accessible(page)
