"""OpenTelemetry export (`--otlp-endpoint`): a tiny OTLP/HTTP collector on 127.0.0.1 port 0 receives the daemon's
spans as JSON and the tests check them: one SERVER span per call (gRPC port and web gateway), parented on the
caller's `traceparent`, with OpenTelemetry's gRPC attributes and status; one INTERNAL span per job run in the same
trace; `service.name`; the collector's headers; and that a collector that is down or slow neither fails nor slows the
calls (the queue is bounded and its drops are counted in /metrics)."""
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import Daemon, ROOT
from planning_stubs import catalog_pb2 as c
from planning_stubs import catalog_pb2_grpc as cg
from planning_stubs import planning_pb2 as p
from planning_stubs import planning_pb2_grpc as pg

SPAN = "00f067aa0ba902b7"
HEX32 = re.compile(r"^[0-9a-f]{32}$")
HEX16 = re.compile(r"^[0-9a-f]{16}$")


class Collector:
    """An OTLP/HTTP receiver: keeps every request to /v1/traces (path, headers, decoded body) and answers each with
    `status` after `delay` seconds."""

    def __init__(self, status=200, delay=0.0):
        self.status = status
        self.delay = delay
        self.requests = []
        self.lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with collector.lock:
                    collector.requests.append((self.path, dict(self.headers.items()), body))
                time.sleep(collector.delay)
                self.send_response(collector.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self):
        with self.lock:
            return [json.loads(body) for _, _, body in self.requests]

    def spans(self):
        """Every span received, each with its resource's attributes under `_resource`."""
        spans = []
        for body in self.bodies():
            for resource_spans in body["resourceSpans"]:
                resource = attributes(resource_spans["resource"])
                for scope_spans in resource_spans["scopeSpans"]:
                    for span in scope_spans["spans"]:
                        spans.append(dict(span, _resource=resource))
        return spans

    def wait_for(self, predicate, count=1, timeout=15.0):
        """The received spans that satisfy `predicate`, once there are at least `count` of them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [span for span in self.spans() if predicate(span)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def attributes(item):
    """An OTLP attribute list as a dict: stringValue as str, intValue (a JSON string, as OTLP's JSON mapping says) as
    int."""
    result = {}
    for attribute in item.get("attributes", []):
        value = attribute["value"]
        if "stringValue" in value:
            result[attribute["key"]] = value["stringValue"]
        else:
            assert isinstance(value["intValue"], str), value
            result[attribute["key"]] = int(value["intValue"])
    return result


def new_trace():
    return os.urandom(16).hex()


def traceparent(trace, span=SPAN, flags="01"):
    return ("traceparent", "00-%s-%s-%s" % (trace, span, flags))


def scrape(daemon):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % daemon.admin_port(), timeout=10) as response:
        text = response.read().decode()
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


def dropped(daemon, reason):
    return scrape(daemon).get(("planning_trace_spans_dropped_total", (("reason", reason),)), 0)


@pytest.fixture(scope="module")
def exported():
    collector = Collector()
    daemon = Daemon(["--enable-bench-service", "--demo-data", "--otlp-endpoint", collector.url + "/",
                     "--otlp-service-name", "planning-test", "--otlp-headers", "authorization=Bearer s3cr3t,x-team=a"])
    try:
        with grpc.insecure_channel(daemon.address) as channel:
            yield daemon, collector, channel
    finally:
        daemon.stop()
        collector.stop()


def echo(channel, metadata=(), payload=b"hi"):
    unary = channel.unary_unary("/bench.Echo/Unary", request_serializer=None, response_deserializer=None)
    return unary(payload, metadata=list(metadata), timeout=10)


def test_unary_call_is_a_server_span_in_the_callers_trace(exported):
    daemon, collector, channel = exported
    trace = new_trace()
    assert echo(channel, [traceparent(trace), ("tracestate", "rojo=1")]) == b"hi"
    spans = collector.wait_for(lambda span: span["traceId"] == trace)
    assert len(spans) == 1, spans
    span = spans[0]
    assert span["name"] == "bench.Echo/Unary"
    assert span["kind"] == 2
    assert span["parentSpanId"] == SPAN
    assert HEX16.match(span["spanId"]) and span["spanId"] != SPAN
    assert span["traceState"] == "rojo=1"
    assert span["status"] == {"code": 1}
    assert isinstance(span["startTimeUnixNano"], str) and isinstance(span["endTimeUnixNano"], str)
    start, end = int(span["startTimeUnixNano"]), int(span["endTimeUnixNano"])
    assert 0 <= end - start < 10 * 10**9 and abs(start / 1e9 - time.time()) < 60
    assert attributes(span) == {"rpc.system": "grpc", "rpc.service": "bench.Echo", "rpc.method": "Unary",
                                "rpc.grpc.status_code": 0}
    assert span["_resource"]["service.name"] == "planning-test"
    # Logs and traces join: the call's log lines name the server span, not the caller's.
    assert daemon.wait_for_log(r"span-id=%s .*trace-id=%s .*handler finished" % (span["spanId"], trace))
    with collector.lock:
        path, headers, _ = collector.requests[0]
    headers = {name.lower(): value for name, value in headers.items()}
    assert path == "/v1/traces"
    assert headers["content-type"] == "application/json"
    assert headers["authorization"] == "Bearer s3cr3t" and headers["x-team"] == "a"


def test_failing_calls_carry_their_grpc_status(exported):
    _, collector, channel = exported
    trace = new_trace()
    for code, message in ((13, "broke"), (5, "no such thing")):
        with pytest.raises(grpc.RpcError) as failure:
            echo(channel, [traceparent(trace), ("x-grpc-test-echo-status", str(code)),
                           ("x-grpc-test-echo-message-bin", message.encode())])
        assert failure.value.code().value[0] == code
    spans = collector.wait_for(lambda span: span["traceId"] == trace, count=2)
    by_code = {attributes(span)["rpc.grpc.status_code"]: span for span in spans}
    assert set(by_code) == {13, 5}
    # OpenTelemetry's gRPC conventions: a server fault (INTERNAL) is an error, a caller's (NOT_FOUND) is not.
    assert by_code[13]["status"] == {"code": 2, "message": "INTERNAL: broke"}
    assert by_code[5]["status"] == {"code": 0}
    assert all(span["parentSpanId"] == SPAN and span["kind"] == 2 for span in spans)


def test_a_call_without_traceparent_starts_a_new_trace(exported):
    _, collector, channel = exported
    before = {span["spanId"] for span in collector.spans()}
    echo(channel, payload=b"untraced-call")
    spans = collector.wait_for(lambda span: span["spanId"] not in before and span["name"] == "bench.Echo/Unary")
    assert spans, "no span for a call without traceparent"
    root = spans[-1]
    assert HEX32.match(root["traceId"]) and "parentSpanId" not in root


def test_an_unsampled_trace_is_not_exported(exported):
    _, collector, channel = exported
    unsampled, sampled = new_trace(), new_trace()
    echo(channel, [traceparent(unsampled, flags="00")])
    echo(channel, [traceparent(sampled)])
    # Spans leave in the order they ended: once the later one is in, the earlier would be too.
    assert collector.wait_for(lambda span: span["traceId"] == sampled)
    assert not [span for span in collector.spans() if span["traceId"] == unsampled]


def test_a_job_and_its_watcher_are_in_the_callers_trace(exported):
    _, collector, channel = exported
    catalog, planning = cg.CatalogServiceStub(channel), pg.PlanningServiceStub(channel)
    trace = new_trace()
    pdes = catalog.ListPDEs(c.ListPDEsRequest(page_size=3), timeout=10).pdes
    stream = planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=[pde.id for pde in pdes]),
                                   metadata=[traceparent(trace)], timeout=60)
    first = next(stream)
    watched = list(planning.WatchJob(p.WatchJobRequest(job_id=first.job_id), metadata=[traceparent(trace)],
                                     timeout=60))
    assert watched[-1].WhichOneof("payload") == "result"
    list(stream)
    spans = collector.wait_for(lambda span: span["traceId"] == trace, count=3)
    names = {span["name"]: span for span in spans}
    assert set(names) == {"planning.v1.PlanningService/ClassifyPDEs", "planning.v1.PlanningService/WatchJob",
                          "job classify_pdes"}, names
    call, watch, job = (names["planning.v1.PlanningService/ClassifyPDEs"],
                        names["planning.v1.PlanningService/WatchJob"], names["job classify_pdes"])
    assert call["parentSpanId"] == SPAN and watch["parentSpanId"] == SPAN
    assert call["status"] == {"code": 1} and attributes(watch)["rpc.grpc.status_code"] == 0
    # The job's run is a child of the call that created it.
    assert job["kind"] == 1 and job["parentSpanId"] == call["spanId"]
    assert attributes(job) == {"job.id": first.job_id, "job.kind": "classify_pdes", "job.state": "succeeded",
                               "job.items_done": len(pdes)}
    assert job["status"] == {"code": 1}
    assert int(job["startTimeUnixNano"]) >= int(call["startTimeUnixNano"])
    stored = planning.GetJob(p.GetJobRequest(job_id=first.job_id), timeout=10)
    assert stored.traceparent == "00-%s-%s-01" % (trace, call["spanId"])


def test_web_gateway_calls_are_server_spans_too(exported):
    daemon, collector, _ = exported
    trace = new_trace()
    base = "http://127.0.0.1:%d" % daemon.web_port()
    response = requests.post(base + "/planning.v1.CatalogService/ListCycles", json={},
                             headers={"traceparent": "00-%s-%s-01" % (trace, SPAN)}, timeout=10)
    assert response.status_code == 200
    missing = requests.post(base + "/planning.v1.PlanningService/GetJob", json={"jobId": "job_missing"},
                            headers={"traceparent": "00-%s-%s-01" % (trace, SPAN)}, timeout=10)
    assert missing.status_code == 404
    spans = collector.wait_for(lambda span: span["traceId"] == trace, count=2)
    by_name = {span["name"]: span for span in spans}
    listed, got = by_name["planning.v1.CatalogService/ListCycles"], by_name["planning.v1.PlanningService/GetJob"]
    assert listed["kind"] == 2 and listed["parentSpanId"] == SPAN and listed["status"] == {"code": 1}
    assert attributes(got)["rpc.grpc.status_code"] == 5 and attributes(got)["rpc.method"] == "GetJob"


def test_spans_of_the_last_calls_are_flushed_on_drain():
    collector = Collector()
    daemon = Daemon(["--enable-bench-service", "--otlp-endpoint", collector.url, "--drain-timeout", "5"])
    try:
        trace = new_trace()
        with grpc.insecure_channel(daemon.address) as channel:
            echo(channel, [traceparent(trace)])
        daemon.stop()
        assert daemon.process.returncode == 0
        assert [span for span in collector.spans() if span["traceId"] == trace]
    finally:
        daemon.stop()
        collector.stop()


def timed_calls(channel, count):
    """Makes `count` unary calls with a traceparent; returns the slowest call's seconds."""
    slowest = 0.0
    for _ in range(count):
        started = time.monotonic()
        echo(channel, [traceparent(new_trace())])
        slowest = max(slowest, time.monotonic() - started)
    return slowest


def test_a_collector_that_is_down_neither_fails_nor_slows_calls():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    daemon = Daemon(["--enable-bench-service", "--otlp-endpoint", "http://127.0.0.1:%d" % closed_port])
    try:
        with grpc.insecure_channel(daemon.address) as channel:
            assert timed_calls(channel, 200) < 1.0
            deadline = time.monotonic() + 15
            while dropped(daemon, "export_failed") == 0 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert dropped(daemon, "export_failed") > 0
            assert daemon.wait_for_log(r"trace export failed; spans dropped")
    finally:
        daemon.stop()


def test_a_slow_collector_fills_the_bounded_queue_and_drops_are_counted():
    collector = Collector(delay=4.0)
    daemon = Daemon(["--enable-bench-service", "--otlp-endpoint", collector.url])
    try:
        with grpc.insecure_channel(daemon.address) as channel:
            # The queue holds 2048 spans and the exporter one batch of 512 in flight: 3200 calls overflow them while
            # the collector sits on its first answer.
            assert timed_calls(channel, 3200) < 1.0
        assert dropped(daemon, "queue_full") > 0
    finally:
        daemon.stop()
        collector.stop()


@pytest.mark.parametrize("url, message", [
    ("https://127.0.0.1:4318", "https is not supported"),
    ("127.0.0.1:4318", "must be an http:// URL"),
    ("http://:4318", "has no host"),
    ("http://127.0.0.1:0", "bad port"),
    ("http://127.0.0.1:65536", "bad port"),
    ("http://127.0.0.1:4318?x=1", "no user, query or fragment"),
])
def test_a_bad_endpoint_is_a_start_up_error(url, message):
    binary = os.environ.get("PLANNING_RPCD", os.path.join(ROOT, ".build", "debug", "planning-rpcd"))
    result = subprocess.run([binary, "--otlp-endpoint", url, "--port", "0", "--admin-port", "0", "--web-port", "0"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert message in result.stderr, result.stderr


def test_headers_are_redacted_in_print_config():
    binary = os.environ.get("PLANNING_RPCD", os.path.join(ROOT, ".build", "debug", "planning-rpcd"))
    result = subprocess.run([binary, "--otlp-endpoint", "http://127.0.0.1:4318", "--otlp-headers",
                             "authorization=Bearer s3cr3t", "--print-config"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0, result.stderr
    assert "s3cr3t" not in result.stdout
    assert re.search(r'^otlp-headers: "<redacted>"', result.stdout, re.M), result.stdout
    assert re.search(r'^otlp-endpoint: "http://127.0.0.1:4318"', result.stdout, re.M)
