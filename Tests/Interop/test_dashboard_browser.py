"""The job dashboard in a real browser: Debian's headless Chromium driven by Selenium.

Opens the dashboard, starts GenerateAttributes on the demo report, watches the bar move through intermediate
values to 100% with the attributes listed, reloads the page mid-job and checks that it re-attaches from its last
sequence without losing or repeating an event, and keeps a screenshot in artifacts/.
"""
import json
import os
import shutil
import time

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
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
    # 150 ms per item: the job takes seconds, long enough to see the bar move and to reload mid-job.
    d = Daemon(["--demo-data", "--simulated-model-latency-ms", "150"])
    driver = chromium()
    try:
        yield d, "http://127.0.0.1:%d" % d.web_port(), driver
    finally:
        driver.quit()
        d.stop()


def job_card(driver):
    cards = driver.find_elements(By.CSS_SELECTOR, "#jobs .job")
    return cards[0] if cards else None


def percent(card):
    return int(card.find_element(By.CSS_SELECTOR, ".bar").get_attribute("aria-valuenow") or 0)


def test_generate_attributes_live_with_a_reload_mid_job(dashboard):
    d, base, driver = dashboard
    wait = WebDriverWait(driver, 30, poll_frequency=0.05)
    driver.get(base + "/")
    button = wait.until(lambda drv: drv.find_element(By.CSS_SELECTOR, '[data-op="GenerateAttributes"]'))
    wait.until(lambda _: button.is_enabled())
    button.click()

    card = wait.until(lambda drv: job_card(drv))
    job_id = card.get_attribute("data-job-id")
    seen = set()
    deadline = time.monotonic() + 30
    while len([p for p in seen if 0 < p < 100]) < 3 and time.monotonic() < deadline:
        seen.add(percent(job_card(driver)))
        time.sleep(0.05)
    intermediate = sorted(p for p in seen if 0 < p < 100)
    assert len(intermediate) >= 3, "the bar did not move through intermediate values: %s" % sorted(seen)

    # Reload mid-job: the page restores what it showed and re-attaches after the last sequence it had.
    before = job_card(driver)
    shown_before = int(before.get_attribute("data-last-sequence"))
    assert percent(before) < 100
    driver.refresh()
    card = wait.until(lambda drv: job_card(drv) if job_card(drv) and
                      job_card(drv).get_attribute("data-attached-after") is not None else None)
    assert card.get_attribute("data-job-id") == job_id
    attached_after = int(card.get_attribute("data-attached-after"))
    assert attached_after >= shown_before > 0
    assert percent(card) < 100, "the job ended before the page re-attached; raise the simulated latency"

    wait.until(lambda drv: job_card(drv).get_attribute("data-state") == "succeeded")
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
