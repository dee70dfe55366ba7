"""A lawyer's path through the real server in a real browser, and the screenshots in docs.

Sign in with a token, open the class-wide oral TRO and see the two planes that had to turn
back, record a movement event through the form, and see the alert it raised.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from web.conftest import Served

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def page(browser: Any, served: Served) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1360, "height": 900},
                                  base_url=served.url)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text)
           if "Content Security Policy" in message.text else None)
    tab.on("requestfailed", lambda request: problems.append(request.url))
    tab.on("response", lambda response: problems.append(response.url)
           if response.status >= 400 and response.request.resource_type != "document"
           else None)
    yield tab
    context.close()
    assert problems == [], problems  # no CSP violation, nothing fetched from elsewhere


def sign_in(page: Any, token: str) -> None:
    page.goto("/")
    assert page.url.endswith("/login?next=/")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_sign_in_see_the_planes_record_an_event_see_the_alert(page: Any, served: Served
                                                               ) -> None:
    sign_in(page, served.tokens["operator"])
    page.goto("/orders/tro-class-oral")
    must_return = page.locator("table.impact tbody tr")
    assert must_return.count() == 2
    assert [must_return.nth(i).locator("td").first.inner_text() for i in range(2)] == \
        ["GXA6143", "GXA6145"]

    page.goto("/forms/event?movement=gxa6122")
    page.get_by_label("Event").select_option("position")
    page.get_by_label("When (local time)").fill("2026-01-05T10:15")
    page.get_by_label("Latitude").fill("21.5")
    page.get_by_label("Longitude").fill("-91.2")
    page.get_by_role("button", name="Record the event").click()
    page.wait_for_url("**/movements/gxa6122")
    assert page.locator("td", has_text="position").count() >= 1

    page.goto("/alerts")
    assert page.locator("table.alert-table", has_text="GXA6122 position").count() == 1


def test_a_form_shows_problems_beside_the_fields(page: Any, served: Served) -> None:
    sign_in(page, served.tokens["clerk"])
    page.goto("/forms/order")
    page.get_by_label("Issued (local time)").fill("2026-01-05T10:15")
    page.get_by_label("Named people").fill("nobody-here")
    page.get_by_role("button", name="Enter the order").click()
    assert page.locator("#court-error").inner_text() == "required field"
    page.get_by_label("Court").fill("D.D.C.")
    page.get_by_role("button", name="Enter the order").click()
    scope = page.locator("fieldset", has_text="Whom it protects")
    assert "no person with this id" in scope.locator(".field-error").inner_text()
    assert page.get_by_label("Named people").input_value() == "nobody-here"


def test_screenshots_of_the_main_pages(page: Any, served: Served, tmp_path: Path) -> None:
    """Into docs/screenshots with HABEAS_SCREENSHOTS=1 (then look at them), else a temporary
    folder, so that a test run leaves the checkout as it was."""
    shots = SHOTS if os.environ.get("HABEAS_SCREENSHOTS") else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    sign_in(page, served.tokens["monitor"])
    for name, path in (("dashboard", "/"), ("order", "/orders/tro-class-oral"),
                       ("person", "/people/abrego-garcia"), ("movement", "/movements/gxa6143"),
                       ("timeline", "/timeline"), ("audit", "/audit"),
                       ("verification", "/verify")):
        page.goto(path)
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        assert (shots / f"{name}.png").stat().st_size > 10_000
