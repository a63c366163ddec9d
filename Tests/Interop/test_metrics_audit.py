"""Every metric family issue #8 lists, checked on a real scrape of /metrics parsed by prometheus_client's text
parser, with the counters compared to the calls this test makes: calls started/handled by method and code, latency
histograms, streams open, messages sent, jobs by state, queue depth, job durations, engine call latency and
errors, connections, GOAWAYs."""
import struct
import time
import urllib.request

import grpc
import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import Daemon
from planning_stubs import catalog_pb2 as c
from planning_stubs import catalog_pb2_grpc as cg
from planning_stubs import planning_pb2 as p
from planning_stubs import planning_pb2_grpc as pg

UNARY = "/bench.Echo/Unary"
STREAM = "/bench.Echo/Stream"
CLASSIFY = "/planning.v1.PlanningService/ClassifyPDEs"
JOB = (("kind", "classify_pdes"), ("state", "succeeded"))
ENGINE = (("operation", "classify"), ("provider", "builtin"))


def scrape(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as response:
        body = response.read().decode()
    families, samples = {}, {}
    for family in text_string_to_metric_families(body):
        families[family.name] = family.type
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return families, samples


def method(path, **labels):
    return tuple(sorted([("grpc_method", path)] + list(labels.items())))


@pytest.fixture(scope="module")
def audited():
    # A short idle limit makes the server send a GOAWAY (drain) on an idle connection.
    daemon = Daemon(["--enable-bench-service", "--demo-data", "--max-connection-idle", "0.5"])
    try:
        yield daemon, daemon.admin_port()
    finally:
        daemon.stop()


def test_every_family_exists_and_the_counters_match_the_calls(audited):
    daemon, admin = audited
    _, before = scrape(admin)
    unary_calls, stream_calls, per_stream = 5, 3, 7
    with grpc.insecure_channel(daemon.address) as channel:
        for _ in range(unary_calls):
            assert channel.unary_unary(UNARY)(b"abc", timeout=10) == b"abc"
        for _ in range(stream_calls):
            assert len(list(channel.unary_stream(STREAM)(struct.pack(">I", per_stream), timeout=10))) == per_stream
        with pytest.raises(grpc.RpcError):
            channel.unary_unary(UNARY)(b"", metadata=[("x-grpc-test-echo-status", "9")], timeout=10)
        catalog, planning = cg.CatalogServiceStub(channel), pg.PlanningServiceStub(channel)
        pdes = [x.id for x in catalog.ListPDEs(c.ListPDEsRequest(page_size=3), timeout=10).pdes]
        events = list(planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=pdes), timeout=60))
        assert events[-1].WhichOneof("payload") == "result"
        families, after = scrape(admin)

    def delta(name, labels=()):
        return after.get((name, labels), 0) - before.get((name, labels), 0)

    # Calls started and handled by method and code.
    assert families["grpc_server_started"] == "counter"
    assert delta("grpc_server_started_total", method(UNARY)) == unary_calls + 1
    assert delta("grpc_server_handled_total", method(UNARY, grpc_code="OK")) == unary_calls
    assert delta("grpc_server_handled_total", method(UNARY, grpc_code="FAILED_PRECONDITION")) == 1
    assert delta("grpc_server_handled_total", method(STREAM, grpc_code="OK")) == stream_calls
    # Latency histograms.
    assert families["grpc_server_handling_seconds"] == "histogram"
    assert delta("grpc_server_handling_seconds_count", method(UNARY)) == unary_calls + 1
    assert delta("grpc_server_handling_seconds_bucket", method(UNARY, le="+Inf")) == unary_calls + 1
    # Messages sent: one per unary call that answered, each message of each stream, every job event.
    assert families["grpc_server_msg_sent"] == "counter"
    assert delta("grpc_server_msg_sent_total", method(UNARY)) == unary_calls
    assert delta("grpc_server_msg_sent_total", method(STREAM)) == stream_calls * per_stream
    assert delta("grpc_server_msg_sent_total", method(CLASSIFY)) == len(events)
    # Streams and connections open (read at scrape time), connections accepted.
    assert families["grpc_server_streams_open"] == "gauge" and families["grpc_server_connections_open"] == "gauge"
    assert after[("grpc_server_connections_open", ())] >= 1
    assert delta("grpc_server_connections_accepted_total") >= 1
    # Jobs by state, queue depth, job durations.
    assert after[("planning_jobs", (("state", "queued"),))] == 0
    assert after[("planning_jobs", (("state", "running"),))] == 0
    assert after[("planning_job_queue_depth", ())] == 0
    assert delta("planning_jobs_ended_total", JOB) == 1
    assert families["planning_job_duration_seconds"] == "histogram"
    assert delta("planning_job_duration_seconds_count", JOB) == 1
    # Engine call latency and errors.
    assert families["planning_engine_call_seconds"] == "histogram"
    assert delta("planning_engine_call_seconds_count", ENGINE) == len(pdes)
    assert delta("planning_engine_errors_total", ENGINE) == 0


def test_goaways_are_counted(audited):
    daemon, admin = audited
    _, before = scrape(admin)
    drained = ("grpc_server_goaways_sent_total", (("reason", "drain"),))
    with grpc.insecure_channel(daemon.address) as channel:
        assert channel.unary_unary(UNARY)(b"x", timeout=10) == b"x"
        deadline = time.monotonic() + 10
        while scrape(admin)[1].get(drained, 0) <= before.get(drained, 0):
            assert time.monotonic() < deadline, "no GOAWAY counted after the idle limit"
            time.sleep(0.2)


def test_running_and_queued_jobs_are_counted_while_they_run():
    daemon = Daemon(["--demo-data", "--simulated-model-latency-ms", "200", "--max-running-jobs", "1"])
    try:
        admin = daemon.admin_port()
        with grpc.insecure_channel(daemon.address) as channel:
            catalog, planning = cg.CatalogServiceStub(channel), pg.PlanningServiceStub(channel)
            pdes = [x.id for x in catalog.ListPDEs(c.ListPDEsRequest(page_size=20), timeout=10).pdes]
            streams = [planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=pdes), timeout=60) for _ in range(3)]
            for stream in streams:
                next(stream)
            deadline = time.monotonic() + 10
            while True:
                _, samples = scrape(admin)
                running = samples[("planning_jobs", (("state", "running"),))]
                queued = samples[("planning_jobs", (("state", "queued"),))]
                if (running, queued) == (1, 2):
                    break
                assert time.monotonic() < deadline, (running, queued)
                time.sleep(0.1)
            assert samples[("planning_job_queue_depth", ())] == 2
            assert samples[("planning_job_watchers", ())] >= 3
            for stream in streams:
                stream.cancel()
    finally:
        daemon.stop()
