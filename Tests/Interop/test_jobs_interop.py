"""PlanningService jobs from grpcio: progress streams, re-attach, cancel, and a SIGKILL mid-job."""
import threading
import time

import grpc
import pytest

from conftest import Daemon, kill_hard
from planning_stubs import catalog_pb2 as c
from planning_stubs import catalog_pb2_grpc as cg
from planning_stubs import planning_pb2 as p
from planning_stubs import planning_pb2_grpc as pg


def demo_report(catalog):
    cycle = [x for x in catalog.ListCycles(c.ListCyclesRequest(page_size=100), timeout=10).cycles
             if x.name == "2026 Q4"][0]
    return catalog.ListReports(c.ListReportsRequest(cycle_id=cycle.id), timeout=10).reports[0]


def all_pages(call, request, field):
    items, token = [], ""
    while True:
        request.page_token = token
        page = call(request, timeout=10)
        items += list(getattr(page, field))
        token = page.next_page_token
        if not token:
            return items


def check_event_stream(events):
    sequences = [e.sequence for e in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    assert events[0].sequence == 1 and events[0].WhichOneof("payload") == "accepted"
    percents = [e.percent for e in events]
    assert percents == sorted(percents), "percent went backwards"
    assert events[-1].WhichOneof("payload") in ("result", "error")


@pytest.fixture(scope="module")
def stubs(daemon):
    with grpc.insecure_channel(daemon.address) as channel:
        yield cg.CatalogServiceStub(channel), pg.PlanningServiceStub(channel)


def test_four_operations_run_to_the_end(stubs):
    catalog, planning = stubs
    report = demo_report(catalog)

    started = time.monotonic()
    stream = planning.GenerateAttributes(p.GenerateAttributesRequest(report_id=report.id, auto_create=True),
                                         timeout=120)
    first = next(stream)
    first_event_latency = time.monotonic() - started
    events = [first] + list(stream)
    check_event_stream(events)
    assert first_event_latency < 2.0
    assert events[-1].WhichOneof("payload") == "result"
    generated = [e for e in events if e.WhichOneof("payload") == "attribute_generated"]
    attributes = all_pages(catalog.ListAttributes, c.ListAttributesRequest(report_id=report.id, page_size=100),
                           "attributes")
    assert len(generated) >= 30
    assert {a.name for a in attributes} >= {e.attribute_generated.attribute.name for e in generated}
    assert all(a.job_id for a in attributes if a.name in {e.attribute_generated.attribute.name for e in generated})

    events = list(planning.AutoMapPDEs(p.AutoMapPDEsRequest(report_id=report.id), timeout=120))
    check_event_stream(events)
    suggested = [e for e in events if e.WhichOneof("payload") == "mapping_suggested"]
    mappings = all_pages(catalog.ListPDEMappings, c.ListPDEMappingsRequest(report_id=report.id, page_size=100),
                         "mappings")
    assert len(suggested) > 0 and len(mappings) >= len(suggested)

    events = list(planning.RegenerateAllPDEMappings(p.RegenerateAllPDEMappingsRequest(report_id=report.id),
                                                    timeout=120))
    check_event_stream(events)
    assert events[-1].WhichOneof("payload") == "result"

    events = list(planning.ClassifyPDEs(p.ClassifyPDEsRequest(report_id=report.id), timeout=120))
    check_event_stream(events)
    classified = [e for e in events if e.WhichOneof("payload") == "pde_classified"]
    assert len(classified) > 0
    listed = all_pages(catalog.ListPDEClassifications, c.ListPDEClassificationsRequest(page_size=100),
                       "classifications")
    assert {x.pde_id for x in listed} >= {e.pde_classified.classification.pde_id for e in classified}

    job = planning.GetJob(p.GetJobRequest(job_id=events[0].job_id), timeout=10)
    assert job.state == p.JOB_STATE_SUCCEEDED and job.last_sequence == events[-1].sequence
    jobs = planning.ListJobs(p.ListJobsRequest(report_id=report.id), timeout=10).jobs
    assert len(jobs) >= 4 and jobs[0].create_time.ToNanoseconds() >= jobs[-1].create_time.ToNanoseconds()


def test_disconnect_then_reattach_sees_every_event(stubs):
    catalog, planning = stubs
    report = demo_report(catalog)
    stream = planning.ClassifyPDEs(p.ClassifyPDEsRequest(report_id=report.id), timeout=120)
    seen = [next(stream) for _ in range(3)]
    stream.cancel()  # the client goes away; the job must go on
    job_id = seen[0].job_id
    rest = list(planning.WatchJob(p.WatchJobRequest(job_id=job_id, after_sequence=seen[-1].sequence), timeout=120))
    events = seen + rest
    check_event_stream(events)
    assert [e.sequence for e in events] == list(range(1, events[-1].sequence + 1))
    replay = list(planning.WatchJob(p.WatchJobRequest(job_id=job_id), timeout=60))
    assert [e.sequence for e in replay] == [e.sequence for e in events]


def test_cancel_a_running_job():
    # 50 ms per item keeps the job running for seconds, so the cancel never races the job's own end.
    daemon = Daemon(["--demo-data", "--simulated-model-latency-ms", "50"])
    try:
        channel = grpc.insecure_channel(daemon.address)
        catalog, planning = cg.CatalogServiceStub(channel), pg.PlanningServiceStub(channel)
        report = demo_report(catalog)
        stream = planning.GenerateAttributes(p.GenerateAttributesRequest(report_id=report.id), timeout=120)
        accepted = next(stream)
        planning.CancelJob(p.CancelJobRequest(job_id=accepted.job_id), timeout=10)
        events = [accepted] + list(stream)
        job = planning.GetJob(p.GetJobRequest(job_id=accepted.job_id), timeout=10)
        channel.close()
    finally:
        daemon.stop()
    terminal = events[-1]
    assert terminal.WhichOneof("payload") == "error"
    assert terminal.error.code == grpc.StatusCode.CANCELLED.value[0]
    assert job.state == p.JOB_STATE_CANCELLED


def test_bad_requests(stubs):
    _, planning = stubs
    with pytest.raises(grpc.RpcError) as failure:
        list(planning.GenerateAttributes(p.GenerateAttributesRequest(), timeout=10))
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "report_id" in failure.value.details()
    with pytest.raises(grpc.RpcError) as failure:
        list(planning.AutoMapPDEs(p.AutoMapPDEsRequest(report_id="rep_missing"), timeout=10))
    assert failure.value.code() == grpc.StatusCode.NOT_FOUND and "rep_missing" in failure.value.details()
    with pytest.raises(grpc.RpcError) as failure:
        list(planning.WatchJob(p.WatchJobRequest(job_id="job_missing"), timeout=10))
    assert failure.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as failure:
        planning.GetJob(p.GetJobRequest(job_id=""), timeout=10)
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "job_id" in failure.value.details()


def test_suggest_pde_mappings(stubs):
    _, planning = stubs
    response = planning.SuggestPDEMappings(p.SuggestPDEMappingsRequest(
        ad_hoc=p.AdHocAttribute(name="Outstanding Balance", description="current unpaid principal balance"),
        scope=p.SUGGESTION_SCOPE_CATALOG, top_k=3), timeout=10)
    assert len(response.suggestions) == 3
    confidences = [s.confidence for s in response.suggestions]
    assert confidences == sorted(confidences, reverse=True) and 0 < confidences[0] <= 1
    assert "bal" in response.suggestions[0].pde.column.lower()


def test_sigkill_mid_job_then_restart_finishes_every_item_once():
    # 20 ms per item: the 300-PDE job runs for seconds, so the kill lands mid-job.
    daemon = Daemon(["--demo-data", "--simulated-model-latency-ms", "20"])
    try:
        with grpc.insecure_channel(daemon.address) as channel:
            catalog, planning = cg.CatalogServiceStub(channel), pg.PlanningServiceStub(channel)
            report = demo_report(catalog)
            pdes = all_pages(catalog.ListPDEs, c.ListPDEsRequest(page_size=500), "pdes")
            stream = planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=[x.id for x in pdes]), timeout=120)
            seen = []
            for event in stream:
                seen.append(event)
                if event.WhichOneof("payload") == "pde_classified" and len(seen) > 40:
                    break
            assert planning.GetJob(p.GetJobRequest(job_id=seen[0].job_id), timeout=10).state == p.JOB_STATE_RUNNING
        kill_hard(daemon)
    except BaseException:
        daemon.stop()
        raise
    restarted = Daemon(["--demo-data"], data_dir=daemon.data_dir)
    try:
        with grpc.insecure_channel(restarted.address) as channel:
            catalog, planning = cg.CatalogServiceStub(channel), pg.PlanningServiceStub(channel)
            rest = list(planning.WatchJob(p.WatchJobRequest(job_id=seen[0].job_id,
                                                            after_sequence=seen[-1].sequence), timeout=120))
            events = seen + rest
            assert len(rest) > 100, "the job was interrupted, not finished, before the kill"
            assert [e.sequence for e in events] == list(range(1, events[-1].sequence + 1))
            assert events[-1].WhichOneof("payload") == "result"
            classified = [e.pde_classified.classification.pde_id for e in events
                          if e.WhichOneof("payload") == "pde_classified"]
            assert sorted(classified) == sorted(x.id for x in pdes), "every PDE classified exactly once"
            listed = all_pages(catalog.ListPDEClassifications, c.ListPDEClassificationsRequest(page_size=500),
                               "classifications")
            assert len(listed) == len(pdes)
    finally:
        restarted.stop()
