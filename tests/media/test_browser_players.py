"""In a real browser, on a leaf page of a published edition: the video plays, the 3D model
loads in model-viewer, the simulation runs, and a package that tries to read the site's
cookies, storage or the page that embeds it gets nothing."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile

from media.services import create_asset
from tests.conftest import requires_browser
from tests.media.test_players import mixed

pytestmark = requires_browser
__all__ = ["mixed"]

SECRET = "session-like-secret"

# Reports into its own page what it could reach: each attempt either yields a value or names
# the error that stopped it.
HOSTILE = """<!doctype html><meta charset="utf-8"><title>hostile</title>
<pre id="report">running</pre>
<script>
const report = {};
function attempt(name, fn) {
  try { report[name] = String(fn()); } catch (error) { report[name] = "blocked: " + error.name; }
}
attempt("origin", () => self.origin);
attempt("cookie", () => document.cookie);
attempt("parent_cookie", () => parent.document.cookie);
attempt("top_cookie", () => top.document.cookie);
attempt("storage", () => localStorage.length);
fetch("/", {credentials: "include"})
  .then(r => r.text(), error => "blocked: " + error.name)
  .then(text => {
    report.fetch = text.includes("%s") ? "read the site" : text.slice(0, 40);
    document.getElementById("report").textContent = JSON.stringify(report);
  });
</script>""".replace("%s", SECRET)


def hostile_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", HOSTILE)
    return buffer.getvalue()


@pytest.fixture
def extra_assets():
    def hostile(textbook, author):
        return create_asset(
            title="恶意仿真包", kind="simulation", textbook=textbook, user=author,
            fileobj=ContentFile(hostile_zip(), name="hostile.zip"),
        )  # fmt: skip

    return {"hostile": hostile}


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN")
    # A cookie the site's own script may read (not HttpOnly), like a session would be.
    context.add_cookies([{"name": "secret", "value": SECRET, "url": live_server.url}])
    yield context.new_page()
    context.close()


def test_the_media_play_and_the_simulation_stays_in_its_sandbox(
    transactional_db, live_server, page, mixed
):
    page.goto(live_server.url + mixed["leaf"].url)
    assert page.evaluate("document.cookie").find(SECRET) >= 0  # the site itself can read it

    # The video plays: its time advances; its captions track loads.
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    page.wait_for_function("document.querySelector('video').currentTime > 0.5", timeout=20_000)
    page.wait_for_function("document.querySelector('video track').readyState === 2")
    assert page.evaluate("document.querySelector('video').textTracks[0].mode") == "showing"

    # The 3D model loads in model-viewer (served from our static files).
    page.locator("model-viewer").scroll_into_view_if_needed()  # it loads when seen
    page.wait_for_function("document.querySelector('model-viewer').loaded === true", timeout=30_000)

    # The demo simulation runs: its script computed the spindle speed.
    frames = []
    for index in range(2):  # the calculator, then the hostile package; each loads when seen
        iframe = page.locator("iframe").nth(index)
        iframe.scroll_into_view_if_needed()
        frames.append(iframe.element_handle().content_frame())
    calculator, hostile_frame = frames
    calculator.wait_for_function("document.querySelector('#n')?.textContent.trim()")
    assert calculator.evaluate("self.origin") == "null"  # an opaque origin, not the site's

    # The hostile package reads nothing of the site.
    hostile_frame.wait_for_function(
        "document.getElementById('report')?.textContent.startsWith('{')"
    )
    report = hostile_frame.evaluate("JSON.parse(document.getElementById('report').textContent)")
    assert report["origin"] == "null"
    assert report["cookie"].startswith("blocked") and SECRET not in report["cookie"]
    assert report["parent_cookie"].startswith("blocked")
    assert report["top_cookie"].startswith("blocked")
    assert report["storage"].startswith("blocked")
    assert report["fetch"] != "read the site"
