"""The job dashboard in a real browser: Debian's headless Chromium driven by Selenium.

Opens the dashboard, starts GenerateAttributes on the demo report, watches the bar move through intermediate
values to 100% with the attributes listed, reloads the page mid-job and checks that it re-attaches from its last
sequence without losing or repeating an event, and keeps a screenshot in artifacts/.
"""
import hashlib
import json
import os
import shutil
import time

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Daemon
from webproto import end_stream, frame, parse_frames

ARTIFACTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts")


def chromium():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    # Root in CI: Chromium's sandbox needs an unprivileged user; /dev/shm is small in containers.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1100,900"):
        options.add_argument(argument)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture(scope="module")
def dashboard():
    # 300 ms per item: the job takes about 12 s, long enough to see the bar move and to reload mid-job.
    d = Daemon(["--demo-data", "--simulated-model-latency-ms", "300"])
    driver = chromium()
    try:
        yield d, "http://127.0.0.1:%d" % d.web_port(), driver
    finally:
        driver.quit()
        d.stop()


def job_card(driver):
    cards = driver.find_elements(By.CSS_SELECTOR, "#jobs .job")
    return cards[0] if cards else None


# Records every value the bars take (a burst of events renders several between two polls of ours).
RECORD_PERCENTAGES = """
window.percentages = window.percentages || [];
new MutationObserver((records) => {
  for (const r of records) window.percentages.push(Number(r.oldValue || 0), Number(r.target.getAttribute(r.attributeName)));
}).observe(document.getElementById("jobs"), {subtree: true, attributes: true, attributeOldValue: true,
                                              attributeFilter: ["aria-valuenow"]});
"""


def percent(card):
    return int(card.find_element(By.CSS_SELECTOR, ".bar").get_attribute("aria-valuenow") or 0)


def test_generate_attributes_live_with_a_reload_mid_job(dashboard):
    d, base, driver = dashboard
    wait = WebDriverWait(driver, 30, poll_frequency=0.05)
    driver.get(base + "/")
    button = wait.until(lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-op="GenerateAttributes"]'))
    wait.until(lambda _: button.is_enabled())
    driver.execute_script(RECORD_PERCENTAGES)
    button.click()

    card = wait.until(lambda drv: job_card(drv))
    job_id = card.get_attribute("data-job-id")
    seen = set()

    def watch_until(condition, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                current = job_card(driver)
                if current is not None:
                    seen.add(percent(current))
                    if condition(current):
                        return current
            except StaleElementReferenceException:
                pass  # the card was re-rendered (or the page reloaded) between two reads
            time.sleep(0.05)
        raise AssertionError("timed out; percentages seen: %s" % sorted(seen))

    # Reload mid-job, once the bar has left 0: the page restores what it showed and re-attaches after the last
    # sequence it had.
    before = watch_until(lambda c: 0 < percent(c) < 100 and int(c.get_attribute("data-last-sequence")) > 1)
    shown_before = int(before.get_attribute("data-last-sequence"))
    seen.update(driver.execute_script("return window.percentages"))
    driver.refresh()
    driver.execute_script(RECORD_PERCENTAGES)
    card = watch_until(lambda c: c.get_attribute("data-attached-after") is not None)
    assert card.get_attribute("data-job-id") == job_id
    attached_after = int(card.get_attribute("data-attached-after"))
    assert attached_after >= shown_before > 1
    assert percent(card) < 100, "the job ended before the page re-attached; raise the simulated latency"

    watch_until(lambda c: c.get_attribute("data-state") == "succeeded")
    seen.update(driver.execute_script("return window.percentages"))
    intermediate = sorted(p for p in seen if 0 < p < 100)
    assert len(intermediate) >= 3, "the bar did not move through intermediate values: %s" % sorted(seen)
    card = job_card(driver)
    assert percent(card) == 100
    assert card.find_element(By.CSS_SELECTOR, ".percent").text == "100%"
    shown = [(int(li.get_attribute("data-sequence")), li.text)
             for li in card.find_elements(By.CSS_SELECTOR, ".results li")]

    # What the server stored: every attribute_generated event of the job, replayed from the start.
    body = frame(json.dumps({"jobId": job_id}).encode())
    frames = parse_frames(requests.post(base + "/planning.v1.PlanningService/WatchJob", data=body,
                                        headers={"content-type": "application/connect+json"}).content)
    assert end_stream(frames) == {}
    events = [json.loads(payload) for _, payload in frames[:-1]]
    expected = [(int(e["sequence"]), e["attributeGenerated"]["attribute"]["name"])
                for e in events if "attributeGenerated" in e]
    generated = int(events[-1]["result"]["generated"])
    assert len(expected) == generated > 0
    # Each listed once, in order, none missing across the reload.
    assert [s for s, _ in shown] == [s for s, _ in expected]
    assert all(text.startswith(name) for (_, text), (_, name) in zip(shown, expected))
    assert "generated %d" % generated in card.find_element(By.CSS_SELECTOR, ".outcome").text

    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, "dashboard.png")
    assert driver.save_screenshot(path)
    assert os.path.getsize(path) > 10_000


def test_a_bearer_token_signs_the_page_in(tmp_path):
    """With authentication on, the page says it wants a token, and with one it finds the report and runs a job
    that belongs to the token's principal."""
    token = "dashboard-t0ken"
    principals = tmp_path / "principals.json"
    principals.write_text(json.dumps({"principals": [
        {"name": "dana", "team": "blue", "token_sha256": [hashlib.sha256(token.encode()).hexdigest()]}]}))
    d = Daemon(["--demo-data", "--simulated-model-latency-ms", "20", "--auth-token-file", str(principals)])
    driver = chromium()
    try:
        base = "http://127.0.0.1:%d" % d.web_port()
        wait = WebDriverWait(driver, 30, poll_frequency=0.05)
        driver.get(base + "/")
        status = lambda: driver.find_element(By.ID, "status").text
        wait.until(lambda _: "bearer token" in status())
        button = driver.find_element(By.CSS_SELECTOR, '[data-op="ClassifyPDEs"]')
        assert not button.is_enabled()

        field = driver.find_element(By.ID, "token")
        field.send_keys("not-the-token")
        driver.find_element(By.CSS_SELECTOR, "#signin button").click()
        wait.until(lambda _: "invalid bearer token" in status())
        assert not button.is_enabled()

        field.clear()
        field.send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "#signin button").click()
        wait.until(lambda _: button.is_enabled())
        assert "FR Y-14Q" in driver.find_element(By.ID, "report").text
        button.click()
        card = wait.until(lambda drv: job_card(drv))
        job_id = card.get_attribute("data-job-id")
        wait.until(lambda drv: job_card(drv).get_attribute("data-state") == "succeeded")

        job = requests.post(base + "/planning.v1.PlanningService/GetJob", json={"jobId": job_id},
                            headers={"authorization": "Bearer " + token}).json()
        assert job["owner"] == "dana" and job["team"] == "blue"
        # The token is this tab's: a reload keeps it, and the page goes on without asking again.
        driver.refresh()
        wait.until(lambda _: driver.find_element(By.CSS_SELECTOR, '[data-op="ClassifyPDEs"]').is_enabled())
        assert "bearer token" not in status()
    finally:
        driver.quit()
        d.stop()
