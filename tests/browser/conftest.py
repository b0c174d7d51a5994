"""Browser journeys: Debian's Chromium driven by Playwright against a live OSR.

Every page a journey visits is checked with axe-core for WCAG 2.2 AA, and a
screenshot of it is kept in ``test-artifacts/screenshots`` for people to look at.
"""

import datetime as dt
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..reviews.conftest import held, owner  # noqa: F401  (a board that has met, an owner)

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Journey:
    """A person in a browser: visits pages, checks each for accessibility, keeps screenshots."""

    def __init__(self, page, base_url: str, name: str):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.step = 0
        self.violations: list[str] = []

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        self.check()

    def check(self) -> None:
        """Run axe-core on the page as it is now and keep a screenshot of it."""
        self.page.wait_for_load_state("load")
        self.step += 1
        path = urlsplit(self.page.url).path
        slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=SHOTS / f"{self.name}-{self.step:02d}-{slug[-60:]}.png", full_page=True
        )
        self.page.add_script_tag(content=AXE.read_text())
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
        )
        for violation in result["violations"]:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
            self.violations.append(
                f"{self.page.url}: {violation['id']} ({violation['help']}) at {targets}"
            )

    def sign_in(self, username: str, password: str = "journey-password"):
        self.go("/sign-in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.check()

    def fill_date(self, name: str, value: dt.date) -> None:
        """Type a date into a GOV.UK date input, box by box, as a person does."""
        for part in ("day", "month", "year"):
            self.page.locator(f'[name="{name}-{part}"]').fill(str(getattr(value, part)))

    def sign_out(self):
        self.page.get_by_role("button", name="Sign out").click()

    def assert_accessible(self):
        assert not self.violations, "WCAG 2.2 AA violations:\n" + "\n".join(self.violations)


@pytest.fixture
def journey(browser, live_server, request):
    # axe-core is injected into each page for the check only; the product's own
    # policy forbids inline scripts, so the check's context is allowed to bypass it.
    # A journey runs at 1280 px wide unless parametrised (indirectly) with another width.
    width = getattr(request, "param", 1280)
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.removeprefix("test_").lower()).strip("-")
    journey = Journey(page, live_server.url, name)
    yield journey
    context.close()
    journey.assert_accessible()


@pytest.fixture
def person(users):
    """``person(role)``: the role's test user, with a password for the sign-in page."""

    def with_password(role: str):
        user = users.by_role(role)
        user.set_password("journey-password")
        user.save()
        return user

    return with_password


# Playwright's synchronous API runs an event loop in the test's thread; the
# test's own database calls are still synchronous, so Django may allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
