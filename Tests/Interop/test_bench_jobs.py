"""planning-rpc bench in job mode: many WatchJob calls per job, some slow, some re-attaching on purpose, checked
against each job's full replay (the proto's delivery contract: no gap but over progress events, no duplicate,
every terminal event delivered)."""
import json

import pytest

from conftest import Daemon
from test_cli import run


@pytest.fixture(scope="module")
def slow_model_daemon():
    d = Daemon(["--enable-bench-service", "--demo-data", "--drain-timeout", "5", "--simulated-model-latency-ms", "2"])
    yield d
    d.stop()


def bench_jobs(daemon, *args):
    result = run(daemon, "bench", "--jobs", "3", "--watchers-per-job", "20", "--slow-watchers", "25",
                 "--slow-delay-ms", "5", "--reattach-watchers", "25", "--json", *args, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def check(report, watchers):
    assert report["mode"] == "jobs"
    assert report["watchers"] == watchers
    assert report["slow_watchers"] > 0 and report["reattaching_watchers"] > 0
    assert report["reattaches"] == report["reattaching_watchers"]
    assert report["sequence_gaps"] == 0
    assert report["duplicates"] == 0
    assert report["out_of_order"] == 0
    assert report["broken_replays"] == 0
    assert report["terminals_delivered"] == report["terminals_expected"] == watchers
    assert report["errors"] == {}
    assert report["passed"] is True
    for name in ("time_to_first_event_us", "event_gap_us"):
        latency = report[name]
        assert latency["count"] > 0
        assert 0 < latency["p50"] <= latency["p99"] <= latency["max"], latency
    assert report["time_to_first_event_us"]["count"] == watchers
    assert report["events"] >= watchers * 3


def test_classify_jobs_with_slow_and_reattaching_watchers(slow_model_daemon):
    report = bench_jobs(slow_model_daemon, "--job-kind", "classify", "--pde-count", "20")
    assert report["job_kind"] == "classify" and report["jobs"] == 3
    check(report, 60)


def test_generate_jobs_with_slow_and_reattaching_watchers(slow_model_daemon):
    report = bench_jobs(slow_model_daemon, "--job-kind", "generate")
    assert report["job_kind"] == "generate"
    check(report, 60)


def test_text_report_says_the_contract_held(slow_model_daemon):
    result = run(slow_model_daemon, "bench", "--jobs", "1", "--watchers-per-job", "4", "--reattach-watchers", "50",
                 timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    text = result.stdout
    assert "time to first event" in text and "gap between events" in text
    assert "terminals             4 of 4 delivered" in text
    assert "contract              held" in text


def test_job_mode_validates_its_options(daemon):
    result = run(daemon, "bench", "--jobs", "0")
    assert result.returncode != 0
    result = run(daemon, "bench", "--jobs", "1", "--slow-watchers", "150")
    assert result.returncode != 0 and "percent" in result.stderr
