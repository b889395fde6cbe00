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
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

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
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    os.makedirs(SHOTS, exist_ok=True)
    try:
        yield driver
        # No script failed: a syntax error or an uncaught exception in any module shows here.
        failures = [entry["message"] for entry in driver.get_log("browser")
                    if entry["level"] == "SEVERE" and ("Uncaught" in entry["message"] or "Error" in entry["message"].split(" ")[0])]
        assert not failures, failures
    finally:
        driver.quit()


def wait(driver, condition):
    # Pages redraw after each change: an element found just before a redraw is retried, not an error.
    return WebDriverWait(driver, PATIENCE, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


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


def open_page(driver, server, route):
    driver.get(server.endpoint + "/console#/" + route)
    driver.refresh()  # a hash change alone keeps the page; render the route from scratch


def test_admin_creates_a_group_writes_events_and_watches_them_in_live_tail(server, logs_a, name, browser):
    sign_in(browser, server, KEYS["a_admin"])
    wait(browser, ready.presence_of_element_located((By.ID, "new-group-name"))).send_keys(name)
    browser.find_element(By.CSS_SELECTOR, "#create-group button").click()
    # The new group's page: write an event (the stream is created on first use) and find it with a pattern.
    message = wait(browser, ready.presence_of_element_located((By.ID, "write-message")))
    message.send_keys("console says hello")
    browser.find_element(By.CSS_SELECTOR, "#write-event button").click()
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, "#write-event .ok")))
    browser.find_element(By.ID, "filter-pattern").send_keys("hello")
    browser.find_element(By.CSS_SELECTOR, "#event-search button").click()
    wait(browser, lambda d: "console says hello" in d.find_element(By.ID, "events").text)
    assert logs_a.describe_log_streams(logGroupName=name)["logStreams"][0]["logStreamName"] == "console"
    shot(browser, "09-written")

    browser.find_element(By.ID, "open-tail").click()
    wait(browser, ready.presence_of_element_located((By.ID, "tail-pattern"))).send_keys("?ERROR ?WARN")
    browser.find_element(By.ID, "tail-highlight").send_keys("disk")
    browser.find_element(By.ID, "tail-start").click()
    wait(browser, lambda d: d.find_element(By.ID, "tail-status").get_attribute("data-session"))
    now = int(time.time() * 1000)
    logs_a.put_log_events(logGroupName=name, logStreamName="console", logEvents=[
        {"timestamp": now, "message": "ERROR disk full"},
        {"timestamp": now + 1, "message": "INFO all good"},
        {"timestamp": now + 2, "message": "WARN disk slow"}])
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#tail-events .event")) == 2)
    texts = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#tail-events .event .message")]
    assert texts == ["ERROR disk full", "WARN disk slow"], texts
    assert [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#tail-events mark")] == ["disk", "disk"]
    shot(browser, "10-live-tail")

    # Paused, arriving events are held; resumed, they show.
    browser.find_element(By.ID, "tail-pause").click()
    logs_a.put_log_events(logGroupName=name, logStreamName="console", logEvents=[
        {"timestamp": now + 3, "message": "ERROR while paused"}])
    wait(browser, lambda d: "1 held while paused" in d.find_element(By.ID, "tail-status").text)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#tail-events .event")) == 2
    browser.find_element(By.ID, "tail-pause").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#tail-events .event")) == 3)
    browser.find_element(By.ID, "tail-start").click()  # Stop
    wait(browser, lambda d: d.find_element(By.ID, "tail-status").text.startswith("Stopped"))


def test_group_page_shows_retention_tags_and_filters(server, logs_a, name, browser):
    logs_a.create_log_group(logGroupName=name, tags={"team": "payments"})
    logs_a.put_metric_filter(logGroupName=name, filterName="errors", filterPattern="ERROR", metricTransformations=[
        {"metricName": "Errors", "metricNamespace": "Console/Test", "metricValue": "1"}])
    sign_in(browser, server, KEYS["a_admin"])
    wait(browser, ready.presence_of_element_located((By.ID, "group-prefix")))
    open_page(browser, server, "group/" + urllib.parse.quote(name, safe=""))
    wait(browser, lambda d: "payments" in d.find_element(By.ID, "group-facts").text)
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, '#metric-filter-rows tr[data-filter="errors"]')))
    assert "Console/Test/Errors" in browser.find_element(By.ID, "metric-filter-rows").text
    Select(browser.find_element(By.ID, "retention-choice")).select_by_value("14")
    browser.find_element(By.ID, "retention-save").click()
    wait(browser, lambda d: d.find_element(By.ID, "group-retention").text == "14 days")
    assert logs_a.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["retentionInDays"] == 14
    shot(browser, "11-group-facts")


def test_metric_chart_of_a_metric_filter(server, logs_a, name, browser):
    namespace = "Console" + name.replace("/", "-")
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    logs_a.put_metric_filter(logGroupName=name, filterName="latency", filterPattern="[verb, ms]", metricTransformations=[
        {"metricName": "Latency", "metricNamespace": namespace, "metricValue": "$ms"}])
    now = int(time.time() * 1000)
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": now - 600000 + i * 60000, "message": f"GET {10 * (i + 1)}"} for i in range(10)])
    sign_in(browser, server, KEYS["a_reader"])
    wait(browser, ready.presence_of_element_located((By.ID, "group-prefix")))
    browser.find_element(By.ID, "nav-metrics").click()
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-namespace="{namespace}"] a'))).click()
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, 'tr[data-metric="Latency"] button'))).click()
    Select(browser.find_element(By.ID, "metric-period")).select_by_value("60")
    Select(browser.find_element(By.ID, "metric-stat")).select_by_visible_text("Maximum")
    wait(browser, lambda d: d.execute_script(
        "const c = window.Chart && Chart.getChart('metric-chart'); return c && c.data.datasets[0].label.includes('Maximum')"
        " && c.data.datasets[0].data.filter((v) => v !== null).length"))
    values = browser.execute_script("return Chart.getChart('metric-chart').data.datasets[0].data.filter((v) => v !== null)")
    assert sorted(values) == [10 * (i + 1) for i in range(10)], values
    shot(browser, "12-metric-chart")


def test_dashboard_renders_its_widgets_and_refuses_a_bad_body(server, logs_a, name, browser):
    logs_a.create_log_group(logGroupName=name)
    logs_a.create_log_stream(logGroupName=name, logStreamName="s")
    now = int(time.time() * 1000)
    logs_a.put_log_events(logGroupName=name, logStreamName="s", logEvents=[
        {"timestamp": now - 1000 + i, "message": f"line {i}"} for i in range(5)])
    dashboard = "console-" + name.replace("/", "-").strip("-")
    body = {"widgets": [
        {"type": "text", "x": 0, "y": 0, "width": 24, "height": 2, "properties": {"markdown": "# Payments overview"}},
        {"type": "log", "x": 0, "y": 2, "width": 12, "height": 6, "properties": {
            "query": f"SOURCE '{name}' | stats count(*) as lines", "region": "us-east-1", "title": "Lines", "view": "table"}},
        {"type": "metric", "x": 12, "y": 2, "width": 12, "height": 6, "properties": {
            "metrics": [["AWS/Logs", "IncomingLogEvents"]], "region": "us-east-1", "title": "Incoming", "stat": "Sum",
            "period": 300}},
    ]}
    cloudwatch = server.client(KEYS["a_admin"], service="cloudwatch")
    alarm = "console-alarm-" + dashboard
    # `ignore`: the evaluator keeps the state SetAlarmState gives (with no data it would otherwise set it back).
    cloudwatch.put_metric_alarm(AlarmName=alarm, MetricName="Errors", Namespace="App", Statistic="Sum", Period=60,
                                EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold",
                                TreatMissingData="ignore")
    cloudwatch.set_alarm_state(AlarmName=alarm, StateValue="ALARM", StateReason="console test")
    body["widgets"].append({"type": "alarm", "x": 0, "y": 8, "width": 24, "height": 3, "properties": {
        "title": "Alarms", "alarms": [f"arn:aws:cloudwatch:us-east-1:111111111111:alarm:{alarm}"]}})
    cloudwatch.put_dashboard(DashboardName=dashboard, DashboardBody=json.dumps(body))
    sign_in(browser, server, KEYS["a_admin"])
    wait(browser, ready.presence_of_element_located((By.ID, "group-prefix")))
    browser.find_element(By.ID, "nav-dashboards").click()
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-dashboard="{dashboard}"] a'))).click()
    wait(browser, lambda d: "Payments overview" in d.find_element(By.ID, "widget-0").text)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#widget-1-table tbody td"))
    assert browser.find_element(By.CSS_SELECTOR, "#widget-1-table tbody td").text == "5"
    wait(browser, lambda d: d.execute_script("return !!(window.Chart && Chart.getChart('widget-2-chart'))"))
    wait(browser, lambda d: f"ALARM {alarm}" in d.find_element(By.ID, "widget-3").text)
    shot(browser, "13-dashboard")

    browser.find_element(By.ID, "dashboard-edit").click()
    editor = browser.find_element(By.ID, "dashboard-json")
    editor.clear()
    editor.send_keys('{"widgets": [{"type": "text", "properties": {}}]}')
    browser.find_element(By.ID, "dashboard-save").click()
    error = wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, "#dashboard-messages .error")))
    assert "DashboardInvalidInputError" in error.text and "validation error" in error.text, error.text
    assert json.loads(cloudwatch.get_dashboard(DashboardName=dashboard)["DashboardBody"]) == body

    # The alarms page lists it with its state.
    browser.find_element(By.ID, "nav-alarms").click()
    row = wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-alarm="{alarm}"]')))
    assert row.get_attribute("data-state") == "ALARM" and "console test" in row.text
    shot(browser, "17-alarms")


def test_admin_disables_and_re_enables_a_key_and_sees_its_audit_trail(server, browser):
    kms = server.client(KEYS["a_admin"], service="kms")
    key = kms.create_key(Description="console test key")["KeyMetadata"]
    sign_in(browser, server, KEYS["a_admin"])
    wait(browser, ready.presence_of_element_located((By.ID, "group-prefix")))
    browser.find_element(By.ID, "nav-keys").click()
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-key="{key["KeyId"]}"] a'))).click()
    wait(browser, ready.element_to_be_clickable((By.ID, "key-disable"))).click()
    wait(browser, lambda d: d.find_element(By.ID, "key-state").text == "Disabled")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    wait(browser, ready.element_to_be_clickable((By.ID, "key-enable"))).click()
    wait(browser, lambda d: d.find_element(By.ID, "key-state").text == "Enabled")
    # The trail shows both changes.
    wait(browser, lambda d: "DisableKey" in d.find_element(By.ID, "audit-rows").text)
    assert "EnableKey" in browser.find_element(By.ID, "audit-rows").text
    shot(browser, "14-key")

    # Deletion needs the confirmation box ticked; then it is scheduled, and can be cancelled.
    browser.find_element(By.ID, "key-schedule-deletion").click()
    days = wait(browser, ready.visibility_of_element_located((By.ID, "deletion-days")))
    days.clear()
    days.send_keys("7")
    browser.find_element(By.ID, "deletion-confirm-yes").click()
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, "#deletion-confirm .error")))
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    browser.find_element(By.ID, "deletion-understood").click()
    browser.find_element(By.ID, "deletion-confirm-yes").click()
    wait(browser, lambda d: d.find_element(By.ID, "key-state").text == "PendingDeletion")
    shot(browser, "15-key-pending-deletion")
    browser.find_element(By.ID, "key-cancel-deletion").click()
    wait(browser, lambda d: d.find_element(By.ID, "key-state").text == "Disabled")


@pytest.mark.parametrize("role", ["a_reader", "a_writer"])
def test_keys_without_the_role_see_no_buttons_that_would_fail(server, logs_a, name, browser, role):
    logs_a.create_log_group(logGroupName=name)
    kms = server.client(KEYS["a_admin"], service="kms")
    key = kms.create_key(Description="someone else's")["KeyMetadata"]
    sign_in(browser, server, KEYS[role])
    wait(browser, ready.presence_of_element_located((By.ID, "group-prefix")))
    assert f"({KEYS[role].role})" in browser.find_element(By.ID, "who").text
    assert bool(browser.find_elements(By.ID, "create-group")) == (role == "a_writer")
    open_page(browser, server, "group/" + urllib.parse.quote(name, safe=""))
    wait(browser, ready.presence_of_element_located((By.ID, "group-facts")))
    wait(browser, lambda d: "Retention" in d.find_element(By.ID, "group-facts").text)
    assert not browser.find_elements(By.ID, "retention-save")
    assert bool(browser.find_elements(By.ID, "write-event")) == (role == "a_writer")
    assert bool(browser.find_elements(By.ID, "event-search")) == (role == "a_reader")  # a writer cannot read events
    if role == "a_writer":  # a writer reads no metrics, dashboards or keys: the console does not offer them
        assert not [link for link in browser.find_elements(By.CSS_SELECTOR, "#nav a") if link.is_displayed()][1:]
        shot(browser, "16-no-buttons-writer")
        return
    open_page(browser, server, "key/" + key["KeyId"])
    wait(browser, ready.presence_of_element_located((By.ID, "key-state")))
    assert not browser.find_elements(By.CSS_SELECTOR, "#key-actions button")
    open_page(browser, server, "keys")
    wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-key="{key["KeyId"]}"]')))
    assert not browser.find_elements(By.ID, "create-key")
    shot(browser, "16-no-buttons-reader")


def test_keyboard_alone_signs_in_and_reaches_a_group(server, logs_a, name, browser):
    """No mouse: the sign-in form takes focus, Tab moves between its fields, Enter submits; links and buttons are
    reachable with Tab and work with Enter."""
    logs_a.create_log_group(logGroupName=name)
    browser.get(server.endpoint + "/console")
    wait(browser, ready.presence_of_element_located((By.ID, "access-key-id")))
    focused = browser.switch_to.active_element
    assert focused.get_attribute("id") == "access-key-id"
    focused.send_keys(KEYS["a_reader"].access_key_id, Keys.TAB)
    browser.switch_to.active_element.send_keys(KEYS["a_reader"].secret, Keys.ENTER)
    search = wait(browser, ready.presence_of_element_located((By.ID, "group-prefix")))
    search.send_keys(name, Keys.ENTER)
    link = wait(browser, ready.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-group="{name}"] a')))
    # Tab from the search box until the group's link has focus, then open it with Enter.
    for _ in range(40):
        if browser.switch_to.active_element == link:
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element == link, "the group's link is not reachable with Tab"
    link.send_keys(Keys.ENTER)
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == name)
