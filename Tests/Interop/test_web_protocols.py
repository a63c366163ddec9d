"""gRPC-Web and the Connect protocol on the web listener, against the real daemon.

Checks the exact framing (gRPC-Web frames and the 0x80 trailers frame, Connect envelopes and the end-of-stream
message), the error mapping of both, Connect GET, deadlines, CORS, limits at and one past their boundary, a client
that disconnects mid-stream and one that reads slowly.
"""
import base64
import json
import re
import struct
import time
import urllib.parse

import pytest
import requests

from conftest import Daemon
from planning_stubs import catalog_pb2, planning_pb2
from webproto import (END_STREAM_FLAG, TRAILERS_FLAG, RawHTTP, decode_text_body, end_stream, frame,
                      grpc_web_trailers, parse_frames)

GRPC_WEB = {"content-type": "application/grpc-web+proto", "x-grpc-web": "1"}
CONNECT_STREAM_JSON = {"content-type": "application/connect+json", "connect-protocol-version": "1"}


@pytest.fixture(scope="module")
def web():
    d = Daemon(["--enable-bench-service", "--demo-data", "--simulated-model-latency-ms", "20"])
    yield d, "http://127.0.0.1:%d" % d.web_port()
    d.stop()


def demo_report_id(base):
    cycles = requests.post(base + "/planning.v1.CatalogService/ListCycles", json={}).json()["cycles"]
    cycle = [c for c in cycles if c["name"] == "2026 Q4"][0]
    reports = requests.post(base + "/planning.v1.CatalogService/ListReports", json={"cycleId": cycle["id"]}).json()
    return reports["reports"][0]["id"]


def count(k):
    return struct.pack(">I", k)


# --- gRPC-Web -------------------------------------------------------------------------------------------------


def test_grpc_web_binary_unary_frames_and_trailers(web):
    _, base = web
    headers = dict(GRPC_WEB, **{"x-grpc-test-echo-initial": "hi",
                                "x-grpc-test-echo-trailing-bin": base64.b64encode(b"\x00\x01").decode()})
    response = requests.post(base + "/bench.Echo/Unary", data=frame(b"hello"), headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/grpc-web+proto"
    assert response.headers["x-grpc-test-echo-initial"] == "hi"
    frames = parse_frames(response.content)
    assert frames[0] == (0, b"hello")
    assert [flag for flag, _ in frames] == [0, TRAILERS_FLAG]
    trailers = grpc_web_trailers(frames[1][1])
    assert trailers["grpc-status"] == ["0"]
    assert base64.b64decode(trailers["x-grpc-test-echo-trailing-bin"][0] + "==") == b"\x00\x01"
    assert "grpc-message" not in trailers


def test_grpc_web_text_unary_and_stream(web):
    _, base = web
    headers = {"content-type": "application/grpc-web-text", "accept": "application/grpc-web-text"}
    # Two padded base64 segments one after the other, as a client that encodes each write sends them.
    body = base64.b64encode(frame(b"hello")[:4]) + base64.b64encode(frame(b"hello")[4:])
    response = requests.post(base + "/bench.Echo/Unary", data=body, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/grpc-web-text+proto"
    frames = parse_frames(decode_text_body(response.content))
    assert frames[0] == (0, b"hello")
    assert grpc_web_trailers(frames[-1][1])["grpc-status"] == ["0"]

    response = requests.post(base + "/bench.Echo/Stream", data=base64.b64encode(frame(count(3))), headers=headers)
    frames = parse_frames(decode_text_body(response.content))
    assert [flag for flag, _ in frames] == [0, 0, 0, TRAILERS_FLAG]
    assert all(payload == b"a" * 64 for _, payload in frames[:3])


def test_grpc_web_text_rejects_what_is_not_base64(web):
    _, base = web
    response = requests.post(base + "/bench.Echo/Unary", data=b"AAAA*AAA",
                             headers={"content-type": "application/grpc-web-text"})
    trailers = grpc_web_trailers(parse_frames(decode_text_body(response.content))[-1][1])
    assert trailers["grpc-status"] == ["13"]


def test_grpc_web_server_stream_is_chunked_one_frame_per_write(web):
    d, base = web
    raw = RawHTTP(d.web_port())
    raw.send_request("POST", "/bench.Echo/Stream", list(GRPC_WEB.items()), frame(count(4)))
    status, headers = raw.read_head()
    assert status == 200
    assert headers["transfer-encoding"] == "chunked"
    assert "content-length" not in headers
    body = raw.read_chunked_body()
    raw.close()
    frames = parse_frames(body)
    assert [flag for flag, _ in frames] == [0, 0, 0, 0, TRAILERS_FLAG]
    assert frames[-1][1] == b"grpc-status:0\r\n"


def test_grpc_web_errors_in_the_trailers_frame(web):
    _, base = web
    headers = dict(GRPC_WEB, **{"x-grpc-test-echo-status": "5",
                                "x-grpc-test-echo-message-bin": base64.b64encode("nöt found 100%".encode()).decode()})
    response = requests.post(base + "/bench.Echo/Unary", data=frame(b"x"), headers=headers)
    assert response.status_code == 200
    frames = parse_frames(response.content)
    assert [flag for flag, _ in frames] == [TRAILERS_FLAG]
    trailers = grpc_web_trailers(frames[0][1])
    assert trailers["grpc-status"] == ["5"]
    assert urllib.parse.unquote(trailers["grpc-message"][0]) == "nöt found 100%"

    response = requests.post(base + "/bench.Echo/Nope", data=frame(b""), headers=GRPC_WEB)
    trailers = grpc_web_trailers(parse_frames(response.content)[-1][1])
    assert trailers["grpc-status"] == ["12"]
    assert urllib.parse.unquote(trailers["grpc-message"][0]) == "unknown method Nope for service bench.Echo"

    response = requests.post(base + "/bench.Echo/Unary", data=frame(b"a") + frame(b"b"), headers=GRPC_WEB)
    assert grpc_web_trailers(parse_frames(response.content)[-1][1])["grpc-status"] == ["13"]


def test_grpc_web_planning_call_in_binary_protobuf(web):
    _, base = web
    request = catalog_pb2.ListCyclesRequest().SerializeToString()
    response = requests.post(base + "/planning.v1.CatalogService/ListCycles", data=frame(request), headers=GRPC_WEB)
    frames = parse_frames(response.content)
    cycles = catalog_pb2.ListCyclesResponse.FromString(frames[0][1]).cycles
    assert "2026 Q4" in [c.name for c in cycles]
    assert grpc_web_trailers(frames[1][1])["grpc-status"] == ["0"]


def test_grpc_web_deadline_from_grpc_timeout(web):
    _, base = web
    request = planning_pb2.GenerateAttributesRequest(report_id=demo_report_id(base)).SerializeToString()
    started = time.monotonic()
    response = requests.post(base + "/planning.v1.PlanningService/GenerateAttributes", data=frame(request),
                             headers=dict(GRPC_WEB, **{"grpc-timeout": "300m"}), timeout=20)
    assert time.monotonic() - started < 5
    frames = parse_frames(response.content)
    assert frames[0][0] == 0  # the accepted event went out before the deadline
    assert grpc_web_trailers(frames[-1][1])["grpc-status"] == ["4"]


def test_unsupported_content_type_is_415(web):
    _, base = web
    response = requests.post(base + "/bench.Echo/Unary", data=b"x", headers={"content-type": "text/plain"})
    assert response.status_code == 415


# --- Connect unary --------------------------------------------------------------------------------------------


def test_connect_unary_json(web):
    _, base = web
    response = requests.post(base + "/planning.v1.CatalogService/ListPDEs",
                             json={"system": "LNS", "pageSize": 2}, headers={"connect-protocol-version": "1"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert len(body["pdes"]) == 2 and body["pdes"][0]["system"] == "LNS"
    assert body["nextPageToken"]
    # proto3 JSON accepts the original field names too.
    again = requests.post(base + "/planning.v1.CatalogService/ListPDEs", json={"system": "LNS", "page_size": 2})
    assert again.json()["pdes"] == body["pdes"]


def test_connect_unary_proto(web):
    _, base = web
    response = requests.post(base + "/planning.v1.CatalogService/ListCycles",
                             data=catalog_pb2.ListCyclesRequest().SerializeToString(),
                             headers={"content-type": "application/proto"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/proto"
    assert "2026 Q4" in [c.name for c in catalog_pb2.ListCyclesResponse.FromString(response.content).cycles]


@pytest.mark.parametrize("path,body,status,code", [
    ("/planning.v1.PlanningService/GetJob", {"jobId": "job_missing"}, 404, "not_found"),
    ("/planning.v1.CatalogService/CreateReport", {}, 400, "invalid_argument"),
    ("/planning.v1.CatalogService/CreateCycle", {"cycle": {"name": "2026 Q4"}}, 409, "already_exists"),
    ("/planning.v1.CatalogService/Nope", {}, 501, "unimplemented"),
    ("/planning.v1.PlanningService/WatchJob", {"jobId": "x"}, 501, "unimplemented"),
])
def test_connect_unary_errors(web, path, body, status, code):
    _, base = web
    response = requests.post(base + path, json=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    error = response.json()
    assert error["code"] == code
    assert error["message"]


def test_connect_unary_bad_json_is_invalid_argument(web):
    _, base = web
    response = requests.post(base + "/planning.v1.CatalogService/ListCycles", data=b"{not json",
                             headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_argument"


def test_connect_echo_metadata_and_trailers_as_headers(web):
    _, base = web
    headers = {"content-type": "application/proto", "x-grpc-test-echo-initial": "v",
               "x-grpc-test-echo-trailing-bin": base64.b64encode(b"t").decode()}
    response = requests.post(base + "/bench.Echo/Unary", data=b"raw bytes", headers=headers)
    assert response.content == b"raw bytes"
    assert response.headers["x-grpc-test-echo-initial"] == "v"
    assert base64.b64decode(response.headers["trailer-x-grpc-test-echo-trailing-bin"] + "==") == b"t"
    # A failing call: the HTTP status of the code, and its Connect name.
    response = requests.post(base + "/bench.Echo/Unary", data=b"x",
                             headers={"content-type": "application/proto", "x-grpc-test-echo-status": "1"})
    assert response.status_code == 499
    assert response.json()["code"] == "canceled"


def test_connect_get_for_side_effect_free_methods(web):
    _, base = web
    query = urllib.parse.urlencode({"connect": "v1", "encoding": "json", "message": json.dumps({"pageSize": 1})})
    response = requests.get(base + "/planning.v1.CatalogService/ListCycles?" + query)
    assert response.status_code == 200
    assert len(response.json()["cycles"]) == 1

    message = base64.urlsafe_b64encode(catalog_pb2.ListCyclesRequest(page_size=1).SerializeToString()).rstrip(b"=")
    query = urllib.parse.urlencode({"encoding": "proto", "base64": "1", "message": message})
    response = requests.get(base + "/planning.v1.CatalogService/ListCycles?" + query)
    assert response.headers["content-type"] == "application/proto"
    assert len(catalog_pb2.ListCyclesResponse.FromString(response.content).cycles) == 1

    # CreateCycle has side effects: GET is refused.
    query = urllib.parse.urlencode({"encoding": "json", "message": json.dumps({"cycle": {"name": "by GET"}})})
    response = requests.get(base + "/planning.v1.CatalogService/CreateCycle?" + query)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"

    response = requests.get(base + "/planning.v1.CatalogService/ListCycles?message=%7B%7D")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_argument"


# --- Connect streaming ----------------------------------------------------------------------------------------


def test_connect_streaming_json_job_events(web):
    _, base = web
    request = json.dumps({"reportId": demo_report_id(base)}).encode()
    response = requests.post(base + "/planning.v1.PlanningService/GenerateAttributes", data=frame(request),
                             headers=CONNECT_STREAM_JSON, timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/connect+json"
    frames = parse_frames(response.content)
    assert end_stream(frames) == {}
    events = [json.loads(payload) for _, payload in frames[:-1]]
    assert "accepted" in events[0] and events[0]["sequence"] == "1"
    assert "result" in events[-1] and events[-1]["state"] == "JOB_STATE_SUCCEEDED"
    assert events[-1]["percent"] == 100
    assert any("attributeGenerated" in e for e in events)

    # Re-attach from a sequence: only what follows it.
    job_id = events[0]["jobId"]
    body = frame(json.dumps({"jobId": job_id, "afterSequence": "2"}).encode())
    replay = parse_frames(requests.post(base + "/planning.v1.PlanningService/WatchJob", data=body,
                                        headers=CONNECT_STREAM_JSON).content)
    sequences = [int(json.loads(p)["sequence"]) for _, p in replay[:-1]]
    assert sequences[0] == 3 and sequences == sorted(set(sequences))


def test_connect_streaming_errors_in_end_of_stream(web):
    _, base = web
    body = frame(json.dumps({"jobId": "job_missing"}).encode())
    response = requests.post(base + "/planning.v1.PlanningService/WatchJob", data=body, headers=CONNECT_STREAM_JSON)
    assert response.status_code == 200
    frames = parse_frames(response.content)
    assert len(frames) == 1
    error = end_stream(frames)["error"]
    assert error["code"] == "not_found" and "job_missing" in error["message"]

    # A unary method with a streaming content-type.
    response = requests.post(base + "/planning.v1.PlanningService/GetJob", data=body, headers=CONNECT_STREAM_JSON)
    assert end_stream(parse_frames(response.content))["error"]["code"] == "unimplemented"


def test_connect_streaming_proto_with_trailers_metadata(web):
    _, base = web
    headers = {"content-type": "application/connect+proto",
               "x-grpc-test-echo-trailing-bin": base64.b64encode(b"end").decode()}
    response = requests.post(base + "/bench.Echo/Stream", data=frame(count(2)), headers=headers)
    frames = parse_frames(response.content)
    assert [flag for flag, _ in frames] == [0, 0, END_STREAM_FLAG]
    trailer = end_stream(frames)["metadata"]["x-grpc-test-echo-trailing-bin"][0]
    assert base64.b64decode(trailer + "==") == b"end"


def test_connect_timeout_ms_is_the_deadline(web):
    _, base = web
    body = frame(json.dumps({"reportId": demo_report_id(base)}).encode())
    response = requests.post(base + "/planning.v1.PlanningService/GenerateAttributes", data=body,
                             headers=dict(CONNECT_STREAM_JSON, **{"connect-timeout-ms": "300"}), timeout=20)
    assert end_stream(parse_frames(response.content))["error"]["code"] == "deadline_exceeded"
    response = requests.post(base + "/planning.v1.CatalogService/ListCycles", json={},
                             headers={"connect-timeout-ms": "12345678901"})
    assert response.status_code == 400


# --- Dashboard, CORS, metrics ---------------------------------------------------------------------------------


def test_dashboard_files(web):
    _, base = web
    page = requests.get(base + "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/dashboard.js"' in page.text
    assert requests.get(base + "/dashboard.js").headers["content-type"].startswith("text/javascript")
    assert requests.get(base + "/dashboard.css").status_code == 200
    assert requests.get(base + "/nothing-here").status_code == 404
    # CORS is off by default: no allow-origin, and preflights are not answered.
    answer = requests.post(base + "/planning.v1.CatalogService/ListCycles", json={},
                           headers={"origin": "http://elsewhere.example"})
    assert "access-control-allow-origin" not in answer.headers
    assert requests.options(base + "/planning.v1.CatalogService/ListCycles").status_code == 405


def test_cors_for_configured_origins():
    d = Daemon(["--web-cors-origin", "http://app.example"])
    try:
        base = "http://127.0.0.1:%d" % d.web_port()
        path = base + "/planning.v1.CatalogService/ListCycles"
        preflight = requests.options(path, headers={
            "origin": "http://app.example", "access-control-request-method": "POST",
            "access-control-request-headers": "content-type,connect-protocol-version"})
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == "http://app.example"
        assert preflight.headers["access-control-allow-methods"] == "GET, POST"
        assert preflight.headers["access-control-allow-headers"] == "content-type,connect-protocol-version"
        assert requests.options(path, headers={"origin": "http://other.example"}).status_code == 403

        answer = requests.post(path, json={}, headers={"origin": "http://app.example"})
        assert answer.headers["access-control-allow-origin"] == "http://app.example"
        exposed = [h.strip() for h in answer.headers["access-control-expose-headers"].split(",")]
        assert {"grpc-status", "grpc-message", "connect-content-encoding"} <= set(exposed)
        other = requests.post(path, json={}, headers={"origin": "http://other.example"})
        assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
    finally:
        d.stop()


def metric(admin_port, name, method, code=None):
    text = requests.get("http://127.0.0.1:%d/metrics" % admin_port).text
    labels = 'grpc_method="%s"' % method
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and labels in line and (code is None or 'grpc_code="%s"' % code in line):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_count_web_calls(web):
    d, base = web
    admin = d.admin_port()
    before = metric(admin, "grpc_server_handled_total", "/planning.v1.CatalogService/ListDocuments", "NOT_FOUND")
    for _ in range(3):
        requests.post(base + "/planning.v1.CatalogService/ListDocuments", json={"reportId": "rep_missing"})
    after = metric(admin, "grpc_server_handled_total", "/planning.v1.CatalogService/ListDocuments", "NOT_FOUND")
    assert after - before == 3


# --- Limits ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small():
    d = Daemon(["--enable-bench-service", "--max-receive-message-size", "1000", "--max-header-list-size", "1000"])
    yield d, d.web_port()
    d.stop()


def test_message_size_limit_at_and_one_past(small):
    d, port = small
    base = "http://127.0.0.1:%d" % port
    ok = requests.post(base + "/bench.Echo/Unary", data=frame(b"x" * 1000), headers=GRPC_WEB)
    assert parse_frames(ok.content)[0] == (0, b"x" * 1000)
    over = requests.post(base + "/bench.Echo/Unary", data=frame(b"x" * 1001), headers=GRPC_WEB)
    trailers = grpc_web_trailers(parse_frames(over.content)[-1][1])
    assert trailers["grpc-status"] == ["8"]

    ok = requests.post(base + "/bench.Echo/Unary", data=b"x" * 1000, headers={"content-type": "application/proto"})
    assert ok.status_code == 200 and len(ok.content) == 1000
    over = requests.post(base + "/bench.Echo/Unary", data=b"x" * 1001, headers={"content-type": "application/proto"})
    assert over.status_code == 429 and over.json()["code"] == "resource_exhausted"

    ok = requests.post(base + "/bench.Echo/Stream", data=frame(b"\x00\x00\x00\x01" + b"x" * 996),
                       headers={"content-type": "application/connect+proto"})
    assert end_stream(parse_frames(ok.content)) == {}
    over = requests.post(base + "/bench.Echo/Stream", data=frame(b"\x00\x00\x00\x01" + b"x" * 997),
                         headers={"content-type": "application/connect+proto"})
    assert end_stream(parse_frames(over.content))["error"]["code"] == "resource_exhausted"


def test_header_list_size_at_and_one_past(small):
    _, port = small

    def call(pad):
        raw = RawHTTP(port)
        fields = [("content-type", "application/proto"), ("x-pad", "p" * pad)]
        # Counted as HTTP/2 counts a header list: name + value + 32 for each field, host and length included.
        size = sum(len(n) + len(v) + 32 for n, v in fields + [("host", "127.0.0.1"), ("content-length", "2")])
        raw.send_request("POST", "/bench.Echo/Unary", fields, b"hi")
        status, _ = raw.read_head()
        raw.close()
        return size, status

    base_size, _ = call(0)
    size, status = call(1000 - base_size)
    assert (size, status) == (1000, 200)
    size, status = call(1000 - base_size + 1)
    assert (size, status) == (1001, 431)


# --- Disconnects and slow readers -----------------------------------------------------------------------------


def test_client_disconnect_mid_stream_cancels_the_handler(web):
    d, base = web
    admin = d.admin_port()
    before = metric(admin, "grpc_server_handled_total", "/bench.Echo/Stream", "CANCELLED")
    raw = RawHTTP(d.web_port())
    raw.send_request("POST", "/bench.Echo/Stream", [("content-type", "application/connect+proto")],
                     frame(count(10_000_000)))
    status, _ = raw.read_head()
    assert status == 200
    assert raw.read_chunk()  # messages are flowing
    raw.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if metric(admin, "grpc_server_handled_total", "/bench.Echo/Stream", "CANCELLED") == before + 1:
            break
        time.sleep(0.1)
    assert metric(admin, "grpc_server_handled_total", "/bench.Echo/Stream", "CANCELLED") == before + 1
    assert d.wait_for_log(r"web call ended.*path=/bench.Echo/Stream.*status=CANCELLED|"
                          r"path=/bench.Echo/Stream.*status=CANCELLED.*web call ended")


def test_disconnect_cancels_a_job_that_asked_for_it(web):
    d, base = web
    raw = RawHTTP(d.web_port())
    body = json.dumps({"reportId": demo_report_id(base), "cancelOnDisconnect": True}).encode()
    raw.send_request("POST", "/planning.v1.PlanningService/GenerateAttributes", list(CONNECT_STREAM_JSON.items()),
                     frame(body))
    raw.read_head()
    accepted = json.loads(parse_frames(raw.read_chunk())[0][1])
    job_id = accepted["jobId"]
    raw.close()
    deadline = time.monotonic() + 10
    state = None
    while time.monotonic() < deadline:
        state = requests.post(base + "/planning.v1.PlanningService/GetJob", json={"jobId": job_id}).json()["state"]
        if state == "JOB_STATE_CANCELLED":
            break
        time.sleep(0.1)
    assert state == "JOB_STATE_CANCELLED"


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def test_slow_reader_holds_the_handler_not_the_memory(web):
    d, _ = web
    messages = 50_000  # 69 bytes each framed: 3.4 MB if the server buffered the whole stream
    raw = RawHTTP(d.web_port(), rcvbuf=16384)
    raw.send_request("POST", "/bench.Echo/Stream", [("content-type", "application/connect+proto")],
                     frame(count(messages)))
    raw.read_head()
    before = rss_kib(d.process.pid)
    time.sleep(2)  # the client reads nothing
    grown = rss_kib(d.process.pid) - before
    print("RSS growth while stalled: %d KiB" % grown)
    assert grown < 1536, "the server buffered %d KiB for a reader that reads nothing" % grown
    # Then it reads everything, and every message arrives, in order, with the end-of-stream last.
    body = raw.read_chunked_body()
    raw.close()
    frames = parse_frames(body)
    assert len(frames) == messages + 1
    assert end_stream(frames) == {}


def test_connect_stream_takes_a_bare_json_request_as_curl_sends_it(web):
    _, base = web
    job = requests.post(base + "/planning.v1.PlanningService/ListJobs", json={"pageSize": 1}).json()["jobs"][0]
    response = requests.post(base + "/planning.v1.PlanningService/WatchJob", data=json.dumps({"jobId": job["id"]}),
                             headers={"content-type": "application/connect+json"})
    frames = parse_frames(response.content)
    assert end_stream(frames) == {}
    events = [json.loads(payload) for _, payload in frames[:-1]]
    assert [int(e["sequence"]) for e in events] == list(range(1, int(job["lastSequence"]) + 1))


def test_web_calls_get_the_routers_authentication(tmp_path):
    import hashlib
    token = "web-token-0123456789"
    principals = {"principals": [{"name": "alice", "token_sha256": [hashlib.sha256(token.encode()).hexdigest()]}]}
    path = tmp_path / "principals.json"
    path.write_text(json.dumps(principals))
    d = Daemon(["--auth-token-file", str(path)])
    try:
        url = "http://127.0.0.1:%d/planning.v1.CatalogService/ListCycles" % d.web_port()
        bare = requests.post(url, json={})
        assert bare.status_code == 401 and bare.json()["code"] == "unauthenticated"
        grpc_web = requests.post(url, data=frame(b""), headers=GRPC_WEB)
        assert grpc_web_trailers(parse_frames(grpc_web.content)[-1][1])["grpc-status"] == ["16"]
        signed = requests.post(url, json={}, headers={"authorization": "Bearer " + token})
        assert signed.status_code == 200
        assert signed.json().get("cycles", []) == []  # no --demo-data: an empty catalog
    finally:
        d.stop()
