"""The web console in headless Chromium (Debian's chromium and chromium-driver, Python's selenium): sign in with an
access key, find a log group, search its events with a filter pattern (a bad pattern's error shown inline), open a
JSON event, sign out. Each step saves a screenshot under Tests/e2e/screenshots/ (ignored by git)."""

import json
import os
import shutil
import time
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from conftest import KEYS

SHOTS = os.path.join(os.path.dirname(__file__), "screenshots")
PATIENCE = 30


@pytest.fixture
def browser():
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    assert chromium and driver_path, "the test command installs Debian's chromium and chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,800"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    os.makedirs(SHOTS, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver, condition):
    return WebDriverWait(driver, PATIENCE).until(condition)


def shot(driver, name):
    driver.save_screenshot(os.path.join(SHOTS, f"console-{name}.png"))


def sign_in(driver, server, key):
    driver.get(server.endpoint + "/console")
    wait(driver, ready.presence_of_element_located((By.ID, "access-key-id"))).send_keys(key.access_key_id)
    driver.find_element(By.ID, "secret").send_keys(key.secret)
    driver.find_element(By.ID, "signin-button").click()


def test_console_headers_forbid_inline_script(server):
    with urllib.request.urlopen(server.endpoint + "/console") as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "<script>" not in page  # every script is a file of its own
    with urllib.request.urlopen(server.endpoint + "/console/vendor/chart.js") as response:
        assert response.status == 200


def test_sign_in_find_a_group_search_its_events_and_sign_out(server, logs_a, name, browser):
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="web-1")
    now = int(time.time() * 1000)
    logs_a.put_log_events(logGroupName=name, logStreamName="web-1", logEvents=[
        {"timestamp": now - 2000, "message": "INFO started"},
        {"timestamp": now - 1000, "message": json.dumps({"level": "error", "msg": "disk full", "code": 28})},
        {"timestamp": now, "message": "ERROR request failed"},
    ])

    # A wrong secret is refused with AWS's error, shown on the form.
    driver = browser
    driver.get(server.endpoint + "/console")
    wait(driver, ready.presence_of_element_located((By.ID, "access-key-id"))).send_keys(KEYS["a_admin"].access_key_id)
    driver.find_element(By.ID, "secret").send_keys("not the secret")
    driver.find_element(By.ID, "signin-button").click()
    refused = wait(driver, ready.presence_of_element_located((By.CSS_SELECTOR, "#signin-form .error")))
    assert "SignatureDoesNotMatch" in refused.text or "InvalidSignature" in refused.text, refused.text
    shot(driver, "01-signin-refused")

    driver.find_element(By.ID, "secret").clear()
    driver.find_element(By.ID, "secret").send_keys(KEYS["a_admin"].secret)
    driver.find_element(By.ID, "signin-button").click()
    wait(driver, ready.presence_of_element_located((By.ID, "group-prefix"))).send_keys(name)
    driver.find_element(By.CSS_SELECTOR, "#group-search button").click()
    link = wait(driver, ready.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-group="{name}"] a')))
    shot(driver, "02-groups")
    link.click()

    # The group's events, newest search first: all three in the last hour.
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#events .event")) == 3)
    assert "web-1" in driver.find_element(By.ID, "stream-rows").text
    shot(driver, "03-events")

    pattern = driver.find_element(By.ID, "filter-pattern")
    pattern.send_keys("ERROR")
    driver.find_element(By.CSS_SELECTOR, "#event-search button").click()
    wait(driver, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, "#events .event .message")]
         and all("ERROR" in e.text for e in d.find_elements(By.CSS_SELECTOR, "#events .event")))
    assert len(driver.find_elements(By.CSS_SELECTOR, "#events .event")) == 1

    pattern.clear()
    pattern.send_keys('{ $.level = "error" }')
    driver.find_element(By.CSS_SELECTOR, "#event-search button").click()
    summary = wait(driver, ready.presence_of_element_located((By.CSS_SELECTOR, "#events details summary")))
    summary.click()
    opened = wait(driver, ready.visibility_of_element_located((By.CSS_SELECTOR, "#events details pre")))
    assert '"code": 28' in opened.text
    shot(driver, "04-json-event")

    # A pattern AWS would refuse: its error is shown where the events would be.
    pattern.clear()
    pattern.send_keys('{ $.level = "unterminated }')
    driver.find_element(By.CSS_SELECTOR, "#event-search button").click()
    error = wait(driver, ready.presence_of_element_located((By.CSS_SELECTOR, "#events .error")))
    assert "InvalidParameterException" in error.text
    shot(driver, "05-pattern-error")

    driver.find_element(By.ID, "sign-out").click()
    wait(driver, ready.presence_of_element_located((By.ID, "signin-reason")))
    shot(driver, "06-signed-out")
    assert driver.execute_script("return sessionStorage.length") == 0


def test_insights_query_shows_its_table_and_chart(server, logs_a, name, browser):
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    now = int(time.time() * 1000)
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": now - 180000 + i * 1000, "message": json.dumps({"status": 200 + (i % 3) * 100})}
        for i in range(120)])
    sign_in(browser, server, KEYS["a_reader"])
    wait(browser, ready.presence_of_element_located((By.ID, "group-prefix")))
    browser.get(server.endpoint + "/console#/insights/" + urllib.parse.quote(name, safe=""))
    editor = wait(browser, ready.presence_of_element_located((By.ID, "query-text")))
    editor.clear()
    editor.send_keys("stats count(*) as requests by bin(1m)")
    browser.find_element(By.ID, "run-query").click()
    wait(browser, lambda d: d.find_element(By.ID, "query-status").text.startswith("Complete"))
    assert "120 of 120 records matched" in browser.find_element(By.ID, "query-status").text
    rows = browser.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")
    assert 2 <= len(rows) <= 4
    assert sum(int(row.find_elements(By.TAG_NAME, "td")[1].text) for row in rows) == 120
    # Chart.js (Debian's libjs-chart.js) drew the series.
    assert browser.find_element(By.ID, "chart-box").is_displayed()
    assert browser.execute_script("return !!window.Chart && Chart.getChart('query-chart').data.datasets[0].label") == "requests"
    shot(browser, "08-insights-chart")
    # The query is in the history, ready to be run again.
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, "#query-history li code")))
    assert "bin(1m)" in browser.find_element(By.CSS_SELECTOR, "#query-history li code").text

    # A malformed query shows AWS's error.
    editor = browser.find_element(By.ID, "query-text")
    editor.clear()
    editor.send_keys("stats count(*) by")
    browser.find_element(By.ID, "run-query").click()
    error = wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, "main .error")))
    assert "MalformedQueryException" in error.text


def test_narrow_window_still_shows_the_groups(server, logs_a, name, browser):
    logs_a.create_log_group(logGroupName=name)
    browser.set_window_size(420, 800)
    sign_in(browser, server, KEYS["a_reader"])
    wait(browser, ready.presence_of_element_located((By.ID, "group-prefix"))).send_keys(name)
    browser.find_element(By.CSS_SELECTOR, "#group-search button").click()
    wait(browser, ready.visibility_of_element_located((By.CSS_SELECTOR, f'tr[data-group="{name}"] a')))
    shot(browser, "07-narrow")
