"""W3C trace context: a valid `traceparent` (and `tracestate`) on a call is stored on the job it creates, shown by
GetJob and ListJobs, and put (trace-id, span-id) on the call's log lines and the job's; an invalid one is ignored."""
import re

import grpc
import pytest

from conftest import Daemon
from planning_stubs import catalog_pb2 as c
from planning_stubs import catalog_pb2_grpc as cg
from planning_stubs import planning_pb2 as p
from planning_stubs import planning_pb2_grpc as pg

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN = "00f067aa0ba902b7"


@pytest.fixture(scope="module")
def traced():
    daemon = Daemon(["--demo-data"])
    try:
        with grpc.insecure_channel(daemon.address) as channel:
            yield daemon, cg.CatalogServiceStub(channel), pg.PlanningServiceStub(channel)
    finally:
        daemon.stop()


def classify(catalog, planning, metadata):
    pde = catalog.ListPDEs(c.ListPDEsRequest(page_size=1), timeout=10).pdes[0]
    events = list(planning.ClassifyPDEs(p.ClassifyPDEsRequest(pde_ids=[pde.id]), metadata=metadata, timeout=60))
    assert events[-1].WhichOneof("payload") == "result"
    return events[0].job_id


def test_valid_traceparent_is_stored_listed_and_logged(traced):
    daemon, catalog, planning = traced
    job_id = classify(catalog, planning, [("traceparent", "00-%s-%s-01" % (TRACE, SPAN)), ("tracestate", "rojo=1")])
    job = planning.GetJob(p.GetJobRequest(job_id=job_id), timeout=10)
    assert job.traceparent == "00-%s-%s-01" % (TRACE, SPAN)
    assert job.tracestate == "rojo=1"
    listed = [j for j in planning.ListJobs(p.ListJobsRequest(page_size=100), timeout=10).jobs if j.id == job_id]
    assert listed and listed[0].traceparent == job.traceparent
    # The call's lines (the transport's and the service's) and the job's lines carry the trace.
    # swift-log's stream handler sorts the metadata keys; the message comes last.
    assert daemon.wait_for_log(r"job\.id=%s .*span-id=%s trace-id=%s \[\w+\] job run started" % (job_id, SPAN, TRACE)), \
        daemon.log()[-3000:]
    lines = [line for line in daemon.log().splitlines() if "trace-id=%s" % TRACE in line]
    assert any("ClassifyPDEs" in line and "handler finished" in line for line in lines), lines
    assert any("job run ended" in line and job_id in line for line in lines), lines
    assert all("span-id=%s" % SPAN in line for line in lines)


@pytest.mark.parametrize("value", [
    "00-%s-%s-01" % (TRACE.upper(), SPAN),  # upper case
    "00-%s-0000000000000000-01" % TRACE,  # all-zero parent id
    "ff-%s-%s-01" % (TRACE, SPAN),  # version ff
    "00-%s-%s-01-extra" % (TRACE, SPAN),  # version 00 is exactly 55 characters
])
def test_invalid_traceparent_is_ignored(traced, value):
    daemon, catalog, planning = traced
    job_id = classify(catalog, planning, [("traceparent", value), ("tracestate", "rojo=1")])
    job = planning.GetJob(p.GetJobRequest(job_id=job_id), timeout=10)
    assert job.traceparent == "" and job.tracestate == ""
    assert daemon.wait_for_log(r"job run ended.*%s|%s.*job run ended" % (job_id, job_id))
    for line in daemon.log().splitlines():
        if job_id in line:
            assert "trace-id=" not in line, line


def test_a_job_without_trace_context_has_none(traced):
    _, catalog, planning = traced
    job_id = classify(catalog, planning, [])
    assert planning.GetJob(p.GetJobRequest(job_id=job_id), timeout=10).traceparent == ""


def test_trace_survives_a_restart_on_the_same_data_dir(traced):
    daemon, catalog, planning = traced
    job_id = classify(catalog, planning, [("traceparent", "00-%s-%s-00" % (TRACE, SPAN))])
    again = Daemon([], data_dir=daemon.data_dir)
    try:
        with grpc.insecure_channel(again.address) as channel:
            job = pg.PlanningServiceStub(channel).GetJob(p.GetJobRequest(job_id=job_id), timeout=10)
            assert job.traceparent == "00-%s-%s-00" % (TRACE, SPAN)
    finally:
        again.stop()
