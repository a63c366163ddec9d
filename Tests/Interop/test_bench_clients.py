"""planning-rpc bench's two clients, the lean HTTP/2 connection (default) and GRPCChannel (--client channel),
count the same things: successes, stream messages, errors by status, large multi-frame requests."""
import json

import pytest

from test_cli import run


def bench(daemon, *args):
    result = run(daemon, "bench", "--warmup", "0", "--json", *args, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("client", ["lean", "channel"])
def test_unary_on_two_connections(daemon, client):
    report = bench(daemon, "--client", client, "--requests", "2000", "--connections", "2", "--concurrency", "16")
    assert report["succeeded"] == 2000 and report["errors"] == {}
    latency = report["latency_us"]
    assert 0 < latency["p50"] <= latency["p99"] <= latency["max"]


@pytest.mark.parametrize("client", ["lean", "channel"])
def test_stream_messages_are_counted(daemon, client):
    report = bench(daemon, "--client", client, "--method", "/bench.Echo/Stream", "--stream-count", "300",
                   "--requests", "100", "--concurrency", "4")
    assert report["succeeded"] == 100 and report["messages"] == 100 * 300


@pytest.mark.parametrize("client", ["lean", "channel"])
def test_large_requests_span_frames(daemon, client):
    report = bench(daemon, "--client", client, "--payload-size", "100000", "--requests", "50", "--concurrency", "4")
    assert report["succeeded"] == 50 and report["errors"] == {}


@pytest.mark.parametrize("client", ["lean", "channel"])
def test_status_errors_by_name(daemon, client):
    report = bench(daemon, "--client", client, "--method", "/bench.Echo/Stream", "--payload-size", "2",
                   "--requests", "30", "--concurrency", "3")
    assert report["succeeded"] == 0 and report["errors"] == {"INVALID_ARGUMENT": 30}


def test_unknown_method_fails_before_measuring(daemon):
    result = run(daemon, "bench", "--method", "/bench.Echo/Nope", "--requests", "10", "--warmup", "0")
    assert result.returncode != 0 and "UNIMPLEMENTED" in result.stderr


def test_no_server_fails_fast():
    result = run(None, "bench", "--requests", "10", "--warmup", "0", server="127.0.0.1:1", timeout=60)
    assert result.returncode != 0 and "UNAVAILABLE" in result.stderr
