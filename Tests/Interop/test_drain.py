"""Graceful drain on SIGTERM, against the real daemon: health turns NOT_SERVING (grpcio-health-checking Watch), a
unary call in flight completes, every job stream ends with a `server_draining` event and status OK, the running
job is re-queued durably and a watcher re-attached to a restarted daemon sees every sequence exactly once; the
process exits 0 within --drain-timeout. The CLI's follower re-attaches across the same restart."""
import json
import os
import queue
import signal
import subprocess
import threading
import time

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2

from conftest import Daemon
from planning_stubs import catalog_pb2 as c
from planning_stubs import catalog_pb2_grpc as cg
from planning_stubs import planning_pb2 as p
from planning_stubs import planning_pb2_grpc as pg

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("PLANNING_RPC", os.path.join(ROOT, ".build", "debug", "planning-rpc"))
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
# Per engine call: the job runs for seconds, and SuggestPDEMappings (one engine call) is a slow unary call.
LATENCY_MS = 400


def first_pdes(catalog, count):
    return [x.id for x in catalog.ListPDEs(c.ListPDEsRequest(page_size=count), timeout=10).pdes]


def read_until(stream, predicate, into):
    """Appends events of `stream` to `into` until `predicate(event)`; returns the stream's iterator."""
    for event in stream:
        into.append(event)
        if predicate(event):
            return
    raise AssertionError("the stream ended first: %s" % [e.WhichOneof("payload") for e in into])


def items(events):
    return [e for e in events if e.WhichOneof("payload") == "pde_classified"]


def test_sigterm_drains_health_unary_streams_and_jobs_then_restart_resumes_exactly_once():
    daemon = Daemon(["--demo-data", "--simulated-model-latency-ms", str(LATENCY_MS), "--drain-timeout", "10"])
    try:
        with grpc.insecure_channel(daemon.address) as channel:
            catalog, planning = cg.CatalogServiceStub(channel), pg.PlanningServiceStub(channel)
            health = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""), timeout=60)
            assert next(health).status == SERVING
            pde_ids = first_pdes(catalog, 40)

            # The submitting stream, and a second watcher attached with WatchJob.
            submitted = planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=pde_ids), timeout=120)
            first = []
            read_until(submitted, lambda e: len(items(first)) >= 2, first)
            job_id = first[0].job_id
            watch = planning.WatchJob(p.WatchJobRequest(job_id=job_id), timeout=120)
            second = []
            read_until(watch, lambda e: e.sequence >= first[-1].sequence, second)

            # A unary call that takes LATENCY_MS; SIGTERM lands while it is in flight.
            unary = planning.SuggestPDEMappings.future(p.SuggestPDEMappingsRequest(
                ad_hoc=p.AdHocAttribute(name="Balance", description="unpaid balance"),
                scope=p.SUGGESTION_SCOPE_CATALOG, top_k=3), timeout=30)
            time.sleep(LATENCY_MS / 4000)
            terminated = time.monotonic()
            daemon.process.send_signal(signal.SIGTERM)

            assert next(health).status == NOT_SERVING
            assert len(unary.result(timeout=30).suggestions) == 3, "the unary call in flight completes"

            for stream, events in ((submitted, first), (watch, second)):
                events += list(stream)
                assert stream.code() == grpc.StatusCode.OK, stream.details()
                last = events[-1]
                assert last.WhichOneof("payload") == "server_draining", [e.WhichOneof("payload") for e in events]
                delivered = [e.sequence for e in events[:-1] if e.WhichOneof("payload") != "heartbeat"]
                assert last.server_draining.resume_after_sequence == delivered[-1]
                assert last.sequence == delivered[-1] and last.job_id == job_id
                assert delivered == sorted(set(delivered))
                assert all(e.WhichOneof("payload") not in ("result", "error") for e in events)
        assert daemon.process.wait(timeout=15) == 0
        drain_seconds = time.monotonic() - terminated
        assert drain_seconds < 10, "exit within --drain-timeout"
        print("drain took %.2fs" % drain_seconds)
    except BaseException:
        daemon.stop()
        raise
    resume_after = first[-1].server_draining.resume_after_sequence

    restarted = Daemon(["--demo-data"], data_dir=daemon.data_dir)
    try:
        with grpc.insecure_channel(restarted.address) as channel:
            planning = pg.PlanningServiceStub(channel)
            rest = list(planning.WatchJob(p.WatchJobRequest(job_id=job_id, after_sequence=resume_after), timeout=120))
            events = [e for e in first[:-1] + rest if e.WhichOneof("payload") != "heartbeat"]
            assert [e.sequence for e in events] == list(range(1, events[-1].sequence + 1)), "each sequence once"
            assert events[-1].WhichOneof("payload") == "result"
            classified = [e.pde_classified.classification.pde_id for e in items(events)]
            assert sorted(classified) == sorted(pde_ids), "every PDE classified exactly once"
            # The drain left it queued, not running: the restart did not have to recover it as a crash.
            assert "job re-queued after a restart" not in restarted.log()
    finally:
        restarted.stop()


def test_drain_timeout_bounds_the_exit_when_a_call_never_ends():
    daemon = Daemon(["--drain-timeout", "2"])
    try:
        with grpc.insecure_channel(daemon.address) as channel:
            # A reflection stream the client never half-closes holds its connection through the drain.
            requests = queue.Queue()
            held = channel.stream_stream(
                "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
            )(iter(requests.get, None), timeout=60)
            requests.put(reflection_pb2.ServerReflectionRequest(list_services=""))
            assert next(held).HasField("list_services_response")
            started = time.monotonic()
            daemon.process.send_signal(signal.SIGTERM)
            code = daemon.process.wait(timeout=15)
            elapsed = time.monotonic() - started
            requests.put(None)
        assert code == 0
        # Status 0, not the watchdog's 1: the drain closed the call itself, at --drain-timeout (2 s); the upper bound
        # leaves room for a loaded machine.
        assert 1.5 < elapsed < 6, "the drain waited for the call, then closed it at --drain-timeout: %.2fs" % elapsed
        assert "drain timeout passed; closing connections" in daemon.log()
    finally:
        daemon.stop()


def test_cli_follower_reattaches_to_a_restarted_daemon_without_repeating_an_event():
    daemon = Daemon(["--demo-data", "--simulated-model-latency-ms", "150", "--drain-timeout", "10"])
    port, data_dir = daemon.port, daemon.data_dir
    restarted = None
    try:
        with grpc.insecure_channel(daemon.address) as channel:
            pde_ids = first_pdes(cg.CatalogServiceStub(channel), 30)
            planning = pg.PlanningServiceStub(channel)
            stream = planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=pde_ids), timeout=60)
            job_id = next(stream).job_id
            stream.cancel()
        follower = subprocess.Popen([CLI, "jobs", "watch", job_id, "--output", "json", "--server", daemon.address],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(follower.stdout), daemon=True)
        reader.start()
        deadline = time.monotonic() + 30
        while sum('"pdeClassified"' in l or '"pde_classified"' in l for l in lines) < 3:
            assert time.monotonic() < deadline and follower.poll() is None, lines
            time.sleep(0.05)
        daemon.process.send_signal(signal.SIGTERM)
        assert daemon.process.wait(timeout=15) == 0
        restarted = Daemon(["--demo-data"], data_dir=data_dir, port=port)
        assert follower.wait(timeout=90) == 0, follower.stderr.read()
        reader.join(timeout=5)
        events = [json.loads(line) for line in lines]
        payloads = [e for e in events if "heartbeat" not in e]
        sequences = [int(e["sequence"]) for e in payloads]
        assert sequences == list(range(1, sequences[-1] + 1)), sequences
        assert "result" in payloads[-1]
        assert all("server_draining" not in e and "serverDraining" not in e for e in events)
        assert "server draining after sequence" in follower.stderr.read()
    finally:
        daemon.stop()
        if restarted:
            restarted.stop()
