"""What browser tests share: accessibility checks with axe-core and screenshots as artifacts.

axe-core is vendored in tests/assets/axe-core (from npm, with its licence) and injected into
the page under test; nothing is fetched from a CDN.
"""

import os
import re
import tempfile
from pathlib import Path

AXE = Path(__file__).parent / "assets" / "axe-core" / "axe.min.js"

# What fails a test: violations that keep someone from using the page.
BLOCKING = ("serious", "critical")


def axe_violations(page, *, include=None, impacts=BLOCKING):
    """The axe-core violations of ``impacts`` on the page as it is now, as
    [(rule id, impact, help, [target selectors])]; ``include`` limits the check to a CSS
    selector (default: the whole document)."""
    # Colours are measured as shown: entrance animations (Wagtail's messages fade in) are
    # brought to their end at once. Waiting for them took 25 s a check on the admin's pages.
    page.evaluate(
        "() => document.getAnimations()"
        ".filter(a => a.effect && a.effect.getComputedTiming().iterations !== Infinity)"
        ".forEach(a => a.finish())"
    )
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (include) => {
            const context = include ? {include: [include]} : document;
            const options = {resultTypes: ["violations"]};
            return await window.axe.run(context, options);
        }""",
        include,
    )
    return [
        (
            v["id"],
            v["impact"],
            v["help"],
            [
                f"{', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
                for node in v["nodes"]
            ][:5],
        )
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page, *, include=None):
    """Fail, naming each rule and element, if axe-core finds a serious or critical
    violation on the page as it is now."""
    violations = axe_violations(page, include=include)
    assert not violations, f"{page.url}: " + "; ".join(
        f"{rule} ({impact}): {text} — {targets}" for rule, impact, text, targets in violations
    )


def artifacts_root():
    """Where browser tests save screenshots: $TEST_ARTIFACTS, else a folder in the system's
    temporary directory (never the repository)."""
    return Path(
        os.environ.get("TEST_ARTIFACTS") or Path(tempfile.gettempdir()) / "textbooks-artifacts"
    )


class Screenshots:
    """Numbered full-page screenshots of one test, in ``folder``."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0
        self.saved = []

    def __call__(self, page, name):
        self.count += 1
        path = self.folder / f"{self.count:02d}-{re.sub(r'[^0-9A-Za-z_-]+', '-', name)}.png"
        # Wagtail's admin scrolls inside its own layout, which a full-page screenshot does not
        # see: grow the viewport to the content's height for the picture, then put it back.
        viewport = page.viewport_size
        height = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('body, body *')]"
            ".filter(e => e.scrollHeight > e.clientHeight + 1 && e.clientHeight > 200)"
            ".map(e => e.scrollHeight), document.documentElement.scrollHeight)"
        )
        page.set_viewport_size({"width": viewport["width"], "height": min(height, 6000)})
        # A leaf with a 3D model draws it in software (no GPU here): with both test workers
        # driving a browser, that took more than Playwright's default 30 s.
        page.screenshot(path=str(path), full_page=True, timeout=90_000)
        page.set_viewport_size(viewport)
        self.saved.append(path)
        return path
