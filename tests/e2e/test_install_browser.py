"""Add to Slack in a real browser: Debian's headless Chromium, driven with Selenium, clicks
through the app's install page and Slack's authorize page (the double's) and lands on the
app's success or failure page, cookies, redirects and all."""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.installs import ENTERPRISE, SECOND
from tests.e2e.test_installs import app_url, store  # noqa: F401 - fixtures

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (make test installs them with apt)",
)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=412,915",  # a phone's screen
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def click_through(browser, app_url, team, decision):  # noqa: F811 - the fixture's value
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as arrived
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(app_url + "/slack/install")
    assert browser.title == "Add agilebot to Slack"
    browser.find_element(By.ID, "add-to-slack").click()
    WebDriverWait(browser, 10).until(arrived.title_contains("requesting permission"))
    Select(browser.find_element(By.ID, "team")).select_by_value(team)
    browser.find_element(By.ID, decision).click()  # then Slack sends the browser back
    WebDriverWait(browser, 10).until(arrived.url_contains("/slack/oauth_redirect"))
    return browser.find_element(By.TAG_NAME, "h1").text, browser.find_element(By.TAG_NAME, "body")


def test_an_admin_installs_the_app_in_a_browser(browser, app_url, store):  # noqa: F811
    title, body = click_through(browser, app_url, SECOND, "allow")
    assert title == "agilebot is in Second Co"
    assert "/agile setup" in body.text
    assert browser.current_url.startswith(app_url + "/slack/oauth_redirect")
    assert store.find_bot(enterprise_id=ENTERPRISE, team_id=SECOND) is not None


def test_an_admin_who_cancels_is_told_and_can_start_again(browser, app_url, store):  # noqa: F811
    from selenium.webdriver.common.by import By

    title, body = click_through(browser, app_url, SECOND, "cancel")
    assert title == "agilebot was not installed" and "cancelled" in body.text
    assert store.find_bot(enterprise_id=ENTERPRISE, team_id=SECOND) is None
    from selenium.webdriver.support import expected_conditions as arrived
    from selenium.webdriver.support.ui import WebDriverWait

    browser.find_element(By.LINK_TEXT, "Start again").click()
    WebDriverWait(browser, 10).until(arrived.title_is("Add agilebot to Slack"))
