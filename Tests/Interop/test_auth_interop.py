"""Authentication, per-team authorization and quotas, from grpcio against the real daemon.

One daemon with a principal file (bearer tokens, hashed), an HS256 JWT secret and quotas; the planning engine waits
100 ms per item so that jobs are still running when a test looks at them.
"""
import base64
import hashlib
import hmac
import json
import os
import signal
import subprocess
import tempfile
import time

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2
from grpc_status import rpc_status

from conftest import Daemon
from test_surface import scrape
from planning_stubs import catalog_pb2 as c
from planning_stubs import catalog_pb2_grpc as cg
from planning_stubs import planning_pb2 as p
from planning_stubs import planning_pb2_grpc as pg

SECRET = b"interop-hs256-secret-of-32-bytes!!"
AUDIENCE = "planning"
TOKENS = {"alice": "alice-t0ken", "bob": "bob-t0ken", "eve": "eve-t0ken", "root": "root-t0ken",
          "quincy": "quincy-t0ken", "newbie": "newbie-t0ken"}


def sha256(token):
    return hashlib.sha256(token.encode()).hexdigest()


def principal_file(names):
    teams = {"alice": "blue", "bob": "blue", "eve": "red", "root": "ops", "quincy": "q", "newbie": "blue"}
    principals = []
    for name in names:
        entry = {"name": name, "team": teams[name], "token_sha256": [sha256(TOKENS[name])]}
        if name == "root":
            entry["roles"] = ["admin"]
        if name == "quincy":
            entry["quotas"] = {"running_jobs": 1, "queued_jobs": 1, "watch_streams": 2}
        principals.append(entry)
    return json.dumps({"principals": principals})


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims, secret=SECRET):
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    signature = hmac.new(secret, ("%s.%s" % (head, body)).encode(), hashlib.sha256).digest()
    return "%s.%s.%s" % (head, body, b64url(signature))


def claims(**extra):
    values = {"sub": "jwt-user", "team": "blue", "aud": AUDIENCE, "exp": int(time.time()) + 300}
    values.update(extra)
    return values


def bearer(token):
    return (("authorization", "Bearer " + token),)


@pytest.fixture(scope="module")
def files():
    folder = tempfile.mkdtemp(prefix="planning-auth-")
    principals = os.path.join(folder, "principals.json")
    with open(principals, "w") as f:
        f.write(principal_file(["alice", "bob", "eve", "root", "quincy"]))
    secret = os.path.join(folder, "jwt.secret")
    with open(secret, "wb") as f:
        f.write(SECRET + b"\n")
    return principals, secret


@pytest.fixture(scope="module")
def secured(files):
    principals, secret = files
    d = Daemon(["--auth-token-file", principals, "--auth-jwt-hs256-secret-file", secret,
                "--auth-jwt-audience", AUDIENCE, "--demo-data", "--enable-bench-service",
                "--simulated-model-latency-ms", "100", "--drain-timeout", "2"])
    yield d
    d.stop()


@pytest.fixture(scope="module")
def channel(secured):
    with grpc.insecure_channel(secured.address) as ch:
        yield ch


def unauthenticated(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as info:
        result = call(*args, timeout=10, **kwargs)
        if hasattr(result, "__iter__") and not isinstance(result, (bytes, str)):
            list(result)
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED, info.value
    for token in TOKENS.values():
        assert token not in (info.value.details() or "")
    return info.value.details()


def test_tokens_good_bad_missing_and_malformed(channel):
    catalog = cg.CatalogServiceStub(channel)
    assert catalog.ListCycles(c.ListCyclesRequest(), metadata=bearer(TOKENS["alice"]), timeout=10).cycles
    assert "invalid bearer token" in unauthenticated(catalog.ListCycles, c.ListCyclesRequest(),
                                                     metadata=bearer("alice-t0ken-wrong"))
    assert "missing credentials" in unauthenticated(catalog.ListCycles, c.ListCyclesRequest())
    assert "Bearer" in unauthenticated(catalog.ListCycles, c.ListCyclesRequest(),
                                       metadata=(("authorization", "Basic " + TOKENS["alice"]),))
    # x-planning-user names nobody once authentication is on.
    unauthenticated(catalog.ListCycles, c.ListCyclesRequest(), metadata=(("x-planning-user", "alice"),))


def test_jwt_good_expired_wrong_audience_and_bad_signature(channel):
    planning = pg.PlanningServiceStub(channel)
    planning.ListJobs(p.ListJobsRequest(), metadata=bearer(jwt(claims())), timeout=10)
    assert "expired" in unauthenticated(planning.ListJobs, p.ListJobsRequest(),
                                        metadata=bearer(jwt(claims(exp=int(time.time()) - 600))))
    assert "audience" in unauthenticated(planning.ListJobs, p.ListJobsRequest(),
                                         metadata=bearer(jwt(claims(aud="someone-else"))))
    assert "signature" in unauthenticated(planning.ListJobs, p.ListJobsRequest(),
                                          metadata=bearer(jwt(claims(), secret=b"x" * 40)))


def test_health_and_reflection_are_exempt(channel):
    health = health_pb2_grpc.HealthStub(channel)
    assert health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10).status == \
        health_pb2.HealthCheckResponse.SERVING
    reflection = channel.stream_stream("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                       request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                       response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
    answers = list(reflection(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=10))
    assert "planning.v1.PlanningService" in [s.name for s in answers[0].list_services_response.service]


def test_every_kind_of_method_needs_credentials(channel):
    """Unary, server-streaming and bidirectional handlers all run behind the router's authenticator."""
    unary = channel.unary_unary("/bench.Echo/Unary")
    unauthenticated(unary, b"hello")
    assert unary(b"hello", metadata=bearer(TOKENS["bob"]), timeout=10) == b"hello"
    planning = pg.PlanningServiceStub(channel)
    unauthenticated(planning.WatchJob, p.WatchJobRequest(job_id="job_x"))
    bidi = channel.stream_stream("/bench.Echo/Bidi")
    unauthenticated(bidi, iter([b"a", b"b"]))
    assert list(bidi(iter([b"a", b"b"]), metadata=bearer(TOKENS["bob"]), timeout=10)) == [b"a", b"b"]


def pde_ids(channel, count=2):
    catalog = cg.CatalogServiceStub(channel)
    return [x.id for x in catalog.ListPDEs(c.ListPDEsRequest(page_size=count), metadata=bearer(TOKENS["alice"]),
                                           timeout=10).pdes]


def not_found(call, request, who):
    with pytest.raises(grpc.RpcError) as info:
        result = call(request, metadata=bearer(TOKENS[who]), timeout=10)
        if hasattr(result, "__iter__"):
            list(result)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND
    return info.value.details()


def test_another_teams_job_is_not_found_and_not_listed(channel):
    planning = pg.PlanningServiceStub(channel)
    events = list(planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=pde_ids(channel)),
                                        metadata=bearer(TOKENS["alice"]), timeout=60))
    job_id = events[0].job_id
    assert events[-1].WhichOneof("payload") == "result"
    # Bob is on Alice's team: he sees and watches the job.
    assert planning.GetJob(p.GetJobRequest(job_id=job_id), metadata=bearer(TOKENS["bob"]), timeout=10).id == job_id
    assert list(planning.WatchJob(p.WatchJobRequest(job_id=job_id), metadata=bearer(TOKENS["bob"]),
                                  timeout=10))[-1].WhichOneof("payload") == "result"
    # Eve is not: exactly what an unknown id gets, so ids cannot be probed.
    unknown = "job_0000000000000000"
    for call, request in [(planning.GetJob, p.GetJobRequest), (planning.WatchJob, p.WatchJobRequest),
                          (planning.CancelJob, p.CancelJobRequest)]:
        hidden = not_found(call, request(job_id=job_id), "eve")
        missing = not_found(call, request(job_id=unknown), "eve")
        assert hidden.replace(job_id, "ID") == missing.replace(unknown, "ID")
    eves = list(planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=pde_ids(channel)),
                                      metadata=bearer(TOKENS["eve"]), timeout=60))[0].job_id
    listed = lambda who: {j.id for j in planning.ListJobs(p.ListJobsRequest(page_size=1000),
                                                           metadata=bearer(TOKENS[who]), timeout=10).jobs}
    assert job_id in listed("bob") and eves not in listed("bob")
    assert eves in listed("eve") and job_id not in listed("eve")
    # The admin sees every team's jobs.
    assert {job_id, eves} <= listed("root")
    assert planning.GetJob(p.GetJobRequest(job_id=eves), metadata=bearer(TOKENS["root"]), timeout=10).owner == "eve"


def demo_report_id(channel):
    catalog = cg.CatalogServiceStub(channel)
    cycle = [x for x in catalog.ListCycles(c.ListCyclesRequest(page_size=100), metadata=bearer(TOKENS["alice"]),
                                           timeout=10).cycles if x.name == "2026 Q4"][0]
    return catalog.ListReports(c.ListReportsRequest(cycle_id=cycle.id), metadata=bearer(TOKENS["alice"]),
                               timeout=10).reports[0].id


def run_job(call, request, who):
    events = list(call(request, metadata=bearer(TOKENS[who]), timeout=120))
    assert events[-1].WhichOneof("payload") == "result", events[-1]
    return events


def test_records_a_job_creates_belong_to_its_team(channel):
    """Attributes, mappings and classifications made by Alice's jobs are team blue's: Bob sees them, Eve (red)
    does not (NOT_FOUND by id, exactly as an unknown id), the admin sees all; Eve's own job makes her own."""
    planning = pg.PlanningServiceStub(channel)
    catalog = cg.CatalogServiceStub(channel)
    report = demo_report_id(channel)
    events = run_job(planning.GenerateAttributes, p.GenerateAttributesRequest(report_id=report, auto_create=True),
                     "alice")
    job = planning.GetJob(p.GetJobRequest(job_id=events[0].job_id), metadata=bearer(TOKENS["alice"]), timeout=10)
    assert job.team == "blue" and job.owner == "alice"
    made = [e.attribute_generated.attribute for e in events if e.WhichOneof("payload") == "attribute_generated"]
    assert made and all(a.team == "blue" and a.job_id == job.id for a in made)

    def attributes(who):
        return {a.id: a for a in catalog.ListAttributes(c.ListAttributesRequest(report_id=report, page_size=1000),
                                                        metadata=bearer(TOKENS[who]), timeout=10).attributes}
    blue_ids = {a.id for a in made}
    assert blue_ids <= set(attributes("bob")) and blue_ids <= set(attributes("root"))
    assert not blue_ids & set(attributes("eve"))

    # Eve's own run creates her team's attributes of the same names rather than finding Alice's.
    eves = run_job(planning.GenerateAttributes, p.GenerateAttributesRequest(report_id=report, auto_create=True), "eve")
    eve_made = [e.attribute_generated for e in eves if e.WhichOneof("payload") == "attribute_generated"]
    assert eve_made and all(g.created and g.attribute.team == "red" for g in eve_made)
    assert {g.attribute.name for g in eve_made} == {a.name for a in made}
    assert set(attributes("eve")) == {g.attribute.id for g in eve_made}

    # Suggesting for another team's attribute: exactly an unknown id's answer.
    attribute = made[0].id
    unknown = "att_0000000000000000"
    hidden = not_found(planning.SuggestPDEMappings, p.SuggestPDEMappingsRequest(attribute_id=attribute), "eve")
    missing = not_found(planning.SuggestPDEMappings, p.SuggestPDEMappingsRequest(attribute_id=unknown), "eve")
    assert hidden.replace(attribute, "ID") == missing.replace(unknown, "ID")

    run_job(planning.AutoMapPDEs, p.AutoMapPDEsRequest(report_id=report), "alice")
    # Within the report, Bob's suggestions rank the PDEs his team mapped; Eve's team mapped none there.
    assert planning.SuggestPDEMappings(p.SuggestPDEMappingsRequest(attribute_id=attribute),
                                       metadata=bearer(TOKENS["bob"]), timeout=30).suggestions
    assert not planning.SuggestPDEMappings(p.SuggestPDEMappingsRequest(attribute_id=eve_made[0].attribute.id),
                                           metadata=bearer(TOKENS["eve"]), timeout=30).suggestions

    def mappings(who, **scope):
        return catalog.ListPDEMappings(c.ListPDEMappingsRequest(page_size=1000, **scope),
                                       metadata=bearer(TOKENS[who]), timeout=10).mappings
    blue_mappings = mappings("bob", report_id=report)
    assert blue_mappings and {m.team for m in blue_mappings} == {"blue"}
    assert not {m.id for m in blue_mappings} & {m.id for m in mappings("eve", report_id=report)}
    assert {m.id for m in blue_mappings} <= {m.id for m in mappings("root", report_id=report)}
    hidden = not_found(catalog.ListPDEMappings, c.ListPDEMappingsRequest(attribute_id=attribute), "eve")
    missing = not_found(catalog.ListPDEMappings, c.ListPDEMappingsRequest(attribute_id=unknown), "eve")
    assert hidden.replace(attribute, "ID") == missing.replace(unknown, "ID")
    target = blue_mappings[0].id
    accepted_state = 2  # MAPPING_STATE_ACCEPTED (common.proto)
    update = lambda mapping_id: c.UpdatePDEMappingRequest(mapping_id=mapping_id, state=accepted_state)
    hidden = not_found(catalog.UpdatePDEMapping, update(target), "eve")
    missing = not_found(catalog.UpdatePDEMapping, update("map_0000000000000000"), "eve")
    assert hidden.replace(target, "ID") == missing.replace("map_0000000000000000", "ID")
    accepted = catalog.UpdatePDEMapping(update(target), metadata=bearer(TOKENS["bob"]), timeout=10)
    assert accepted.team == "blue" and accepted.state == accepted_state

    # Classifications: Alice's job classifies for blue; Eve sees none of them.
    classified = run_job(planning.ClassifyPDEs, p.ClassifyPDEsRequest(report_id=report), "alice")
    blue_classes = {e.pde_classified.classification.id for e in classified
                    if e.WhichOneof("payload") == "pde_classified"}
    assert blue_classes

    def classifications(who):
        return catalog.ListPDEClassifications(c.ListPDEClassificationsRequest(page_size=1000),
                                              metadata=bearer(TOKENS[who]), timeout=10).classifications
    assert blue_classes <= {x.id for x in classifications("bob")}
    assert {x.team for x in classifications("eve")} <= {"red", ""}
    assert not blue_classes & {x.id for x in classifications("eve")}
    assert blue_classes <= {x.id for x in classifications("root")}


def test_request_ids_are_per_team(channel):
    planning = pg.PlanningServiceStub(channel)
    request = p.ClassifyPDEsRequest(pde_ids=pde_ids(channel), request_id="interop-same-key")
    first = next(planning.ClassifyPDEs(request, metadata=bearer(TOKENS["alice"]), timeout=60))
    again = next(planning.ClassifyPDEs(request, metadata=bearer(TOKENS["bob"]), timeout=60))
    other = next(planning.ClassifyPDEs(request, metadata=bearer(TOKENS["eve"]), timeout=60))
    assert again.job_id == first.job_id and again.accepted.existing
    assert other.job_id != first.job_id and not other.accepted.existing


def quota_failure(error):
    """The QuotaFailure of a RESOURCE_EXHAUSTED error, read as grpc_status clients read it."""
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    raw = dict(error.trailing_metadata())["grpc-status-details-bin"]
    status = status_pb2.Status.FromString(raw)
    assert status.code == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
    assert rpc_status.from_call(error).message == error.details()
    failure = error_details_pb2.QuotaFailure()
    assert status.details[0].Unpack(failure)
    return failure


def test_quotas_at_and_one_past_the_limit(channel):
    """quincy may have 1 job running, 1 queued and 2 job streams open."""
    planning = pg.PlanningServiceStub(channel)
    metadata = bearer(TOKENS["quincy"])
    # A long job (200 PDEs, 100 ms each): stream 1 of 2, running job 1 of 1.
    long_job = planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=pde_ids(channel, 200)), metadata=metadata,
                                     timeout=120)
    job_id = next(long_job).job_id
    deadline = time.monotonic() + 20
    while planning.GetJob(p.GetJobRequest(job_id=job_id), metadata=metadata, timeout=10).state != \
            p.JOB_STATE_RUNNING:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    try:
        # Stream 2 of 2: at the limit, admitted.
        watch = planning.WatchJob(p.WatchJobRequest(job_id=job_id), metadata=metadata, timeout=60)
        assert next(watch).sequence == 1
        # Stream 3: one past.
        with pytest.raises(grpc.RpcError) as info:
            next(planning.WatchJob(p.WatchJobRequest(job_id=job_id), metadata=metadata, timeout=10))
        violation = quota_failure(info.value).violations[0]
        assert violation.subject == "principal:quincy" and "open job streams: 2 of 2" in violation.description
        watch.cancel()
        # Running jobs: 1 of 1, so a new job is refused (the stream slot freed by the cancel is not the limit).
        deadline = time.monotonic() + 10
        while True:
            with pytest.raises(grpc.RpcError) as info:
                next(planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=pde_ids(channel)), metadata=metadata,
                                           timeout=10))
            failure = quota_failure(info.value)
            if "running jobs" in failure.violations[0].description or time.monotonic() > deadline:
                break
            time.sleep(0.05)  # the cancelled watch's slot is released as its stream closes
        assert failure.violations[0].description == "running jobs: 1 of 1 in use"
        # Another principal is not limited by quincy's use.
        assert next(planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=pde_ids(channel)),
                                          metadata=bearer(TOKENS["alice"]), timeout=10)).job_id
    finally:
        planning.CancelJob(p.CancelJobRequest(job_id=job_id), metadata=metadata, timeout=10)
        long_job.cancel()


def test_quotas_and_refused_credentials_are_exported_as_metrics(secured, channel):
    """Runs after the quota test (pytest keeps file order): its refusals and quincy's gauges are on /metrics."""
    before = scrape(secured.admin_port())
    catalog = cg.CatalogServiceStub(channel)
    for _ in range(3):
        unauthenticated(catalog.ListCycles, c.ListCyclesRequest(), metadata=bearer("nobody's-token"))
    samples = scrape(secured.admin_port())
    invalid = ("rpc_auth_failures_total", (("reason", "invalid_token"),))
    assert samples[invalid] - before.get(invalid, 0) == 3
    rejected = lambda quota: samples.get(("planning_quota_rejections_total",
                                          (("principal", "quincy"), ("quota", quota))), 0)
    assert rejected("watch_streams") == 1
    assert rejected("running_jobs") >= 1
    for gauge in ("planning_quota_jobs_running", "planning_quota_jobs_queued", "planning_quota_watch_streams"):
        assert (gauge, (("principal", "quincy"),)) in samples
    assert samples[("planning_quota_jobs_running", (("principal", "alice"),))] >= 0


def test_cli_hashes_a_token_as_sha256sum_does():
    result = subprocess.run([os.environ["PLANNING_RPC"], "auth", "hash-token"], input="alice-t0ken\n",
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == sha256("alice-t0ken")


def test_principal_file_reloads_on_sighup(files, secured, channel):
    principals, _ = files
    catalog = cg.CatalogServiceStub(channel)
    unauthenticated(catalog.ListCycles, c.ListCyclesRequest(), metadata=bearer(TOKENS["newbie"]))
    with open(principals + ".new", "w") as f:
        f.write(principal_file(["alice", "bob", "eve", "root", "quincy", "newbie"]))
    os.rename(principals + ".new", principals)
    reloads = secured.log().count("reloaded")
    secured.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while secured.log().count("reloaded") == reloads:
        assert time.monotonic() < deadline, secured.log()[-2000:]
        time.sleep(0.05)
    assert catalog.ListCycles(c.ListCyclesRequest(), metadata=bearer(TOKENS["newbie"]), timeout=10).cycles
    # A broken file keeps the previous credentials.
    with open(principals, "w") as f:
        f.write("{not json")
    secured.process.send_signal(signal.SIGHUP)
    assert secured.wait_for_log("reload failed", timeout=10)
    assert catalog.ListCycles(c.ListCyclesRequest(), metadata=bearer(TOKENS["newbie"]), timeout=10).cycles
    assert secured.process.poll() is None


def test_open_on_loopback_says_so(daemon):
    assert daemon.wait_for_log("authentication is OFF", timeout=5)


def test_refuses_a_non_loopback_host_without_authentication():
    binary = os.environ.get("PLANNING_RPCD")
    data = tempfile.mkdtemp(prefix="planning-rpcd-data-")
    result = subprocess.run([binary, "--host", "0.0.0.0", "--port", "0", "--admin-port", "0", "--data-dir", data],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "refusing to listen on 0.0.0.0" in result.stderr and "--insecure-no-auth" in result.stderr
    # With --insecure-no-auth it starts, and warns.
    d = Daemon(["--host", "0.0.0.0", "--insecure-no-auth"])
    try:
        assert d.wait_for_log("listening=NETWORK.*authentication is OFF", timeout=5)
    finally:
        d.stop()


def test_rs256_jwt_with_issuer_check():
    """RS256 keys from openssl; the daemon holds only the public key."""
    folder = tempfile.mkdtemp(prefix="planning-rs256-")
    private, public = os.path.join(folder, "key.pem"), os.path.join(folder, "public.pem")
    subprocess.run(["openssl", "genrsa", "-out", private, "2048"], check=True, capture_output=True, timeout=60)
    subprocess.run(["openssl", "rsa", "-in", private, "-pubout", "-out", public], check=True, capture_output=True,
                   timeout=60)

    def rs256(values, key=private):
        head = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        body = b64url(json.dumps(values).encode())
        signed = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=("%s.%s" % (head, body)).encode(),
                                check=True, capture_output=True, timeout=60).stdout
        return "%s.%s.%s" % (head, body, b64url(signed))

    d = Daemon(["--auth-jwt-rs256-public-key", public, "--auth-jwt-issuer", "https://idp.example",
                "--auth-jwt-audience", AUDIENCE])
    try:
        with grpc.insecure_channel(d.address) as ch:
            planning = pg.PlanningServiceStub(ch)
            good = rs256(claims(iss="https://idp.example", roles=["admin"]))
            planning.ListJobs(p.ListJobsRequest(), metadata=bearer(good), timeout=10)
            assert "issuer" in unauthenticated(planning.ListJobs, p.ListJobsRequest(),
                                               metadata=bearer(rs256(claims(iss="https://evil.example"))))
            other = os.path.join(folder, "other.pem")
            subprocess.run(["openssl", "genrsa", "-out", other, "2048"], check=True, capture_output=True, timeout=60)
            assert "signature" in unauthenticated(
                planning.ListJobs, p.ListJobsRequest(),
                metadata=bearer(rs256(claims(iss="https://idp.example"), key=other)))
            # HS256 is not configured on this daemon: a token signed with the public key as secret is refused.
            with open(public, "rb") as f:
                assert "HS256 is not accepted" in unauthenticated(
                    planning.ListJobs, p.ListJobsRequest(),
                    metadata=bearer(jwt(claims(iss="https://idp.example"), secret=f.read())))
    finally:
        d.stop()



def test_mtls_client_certificate_subject_is_a_principal(tmp_path):
    """With TLS and an optional client certificate: a listed subject is a principal, no certificate needs a token."""
    from test_tls import make_certs, secure_channel
    make_certs(tmp_path)
    principals = tmp_path / "principals.json"
    principals.write_text(json.dumps({"principals": [
        {"name": "alice-cert", "team": "risk", "subjects": ["CN=alice,OU=risk,O=Example"]},
        {"name": "bob", "team": "risk", "token_sha256": [sha256(TOKENS["bob"])]},
    ]}))
    d = Daemon(["--enable-bench-service", "--demo-data", "--tls-cert", str(tmp_path / "server.pem"),
                "--tls-key", str(tmp_path / "server.key"), "--tls-client-ca", str(tmp_path / "ca.pem"),
                "--tls-client-auth", "optional", "--auth-token-file", str(principals)])
    try:
        with secure_channel(tmp_path, d, client="client") as ch:
            assert ch.unary_unary("/bench.Echo/Unary")(b"hi", timeout=10) == b"hi"
            planning = pg.PlanningServiceStub(ch)
            ids = [x.id for x in cg.CatalogServiceStub(ch).ListPDEs(c.ListPDEsRequest(page_size=1), timeout=10).pdes]
            job = list(planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=ids), timeout=60))[0].job_id
            assert planning.GetJob(p.GetJobRequest(job_id=job), timeout=10).owner == "alice-cert"
        with secure_channel(tmp_path, d) as ch:
            assert "missing credentials" in unauthenticated(ch.unary_unary("/bench.Echo/Unary"), b"hi")
            # Bob is on the certificate's team: he sees its job.
            planning = pg.PlanningServiceStub(ch)
            assert planning.GetJob(p.GetJobRequest(job_id=job), metadata=bearer(TOKENS["bob"]), timeout=10).id == job
    finally:
        d.stop()
