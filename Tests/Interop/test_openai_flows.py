"""The job flows with `--model-provider openai` against a Chat Completions stub on loopback."""
import grpc
import pytest

from chat_stub import ChatStub
from conftest import Daemon
from planning_stubs import catalog_pb2 as c
from planning_stubs import catalog_pb2_grpc as cg
from planning_stubs import planning_pb2 as p
from planning_stubs import planning_pb2_grpc as pg

SECRET = "sk-test-do-not-log-4242"


@pytest.fixture(scope="module")
def openai_daemon():
    stub = ChatStub()
    daemon = Daemon(["--demo-data", "--model-provider", "openai", "--model-base-url",
                     "http://127.0.0.1:%d/v1" % stub.port, "--model-name", "stub-model"],
                    env={"OPENAI_API_KEY": SECRET})
    yield daemon, stub
    daemon.stop()
    stub.close()


def test_generate_map_classify_through_the_model(openai_daemon):
    daemon, stub = openai_daemon
    with grpc.insecure_channel(daemon.address) as channel:
        catalog, planning = cg.CatalogServiceStub(channel), pg.PlanningServiceStub(channel)
        cycle = [x for x in catalog.ListCycles(c.ListCyclesRequest(page_size=100), timeout=10).cycles
                 if x.name == "2026 Q4"][0]
        report = catalog.ListReports(c.ListReportsRequest(cycle_id=cycle.id), timeout=10).reports[0]

        events = list(planning.GenerateAttributes(
            p.GenerateAttributesRequest(report_id=report.id, auto_create=True), timeout=120))
        assert events[-1].WhichOneof("payload") == "result", events[-1]
        generated = [e for e in events if e.WhichOneof("payload") == "attribute_generated"]
        assert len(generated) >= 5  # what the stub extracts from the "Field N. Name:" lines it is sent

        events = list(planning.AutoMapPDEs(p.AutoMapPDEsRequest(report_id=report.id), timeout=120))
        assert events[-1].WhichOneof("payload") == "result", events[-1]
        suggested = [e for e in events if e.WhichOneof("payload") == "mapping_suggested"]
        assert suggested and all(abs(e.mapping_suggested.mapping.confidence - 0.8) < 1e-9 for e in suggested)

        events = list(planning.ClassifyPDEs(p.ClassifyPDEsRequest(report_id=report.id), timeout=120))
        assert events[-1].WhichOneof("payload") == "result", events[-1]
        classified = [e for e in events if e.WhichOneof("payload") == "pde_classified"]
        assert classified and all(e.pde_classified.classification.rationale == "stub classification"
                                  for e in classified)

        suggestion = planning.SuggestPDEMappings(p.SuggestPDEMappingsRequest(
            ad_hoc=p.AdHocAttribute(name="Outstanding Balance"), scope=p.SUGGESTION_SCOPE_CATALOG), timeout=30)
        assert len(suggestion.suggestions) == 1 and suggestion.suggestions[0].rationale.startswith("stub")

    kinds = {r["body"]["response_format"]["json_schema"]["name"] for r in stub.requests}
    assert kinds == {"test_attributes", "pde_mappings", "pde_classification"}
    assert all(r["path"] == "/v1/chat/completions" for r in stub.requests)
    assert all(r["authorization"] == "Bearer " + SECRET for r in stub.requests)
    assert all(r["body"]["model"] == "stub-model" for r in stub.requests)
    assert SECRET not in daemon.log(), "the API key must never be logged"


def test_model_down_fails_the_job_cleanly():
    daemon = Daemon(["--demo-data", "--model-provider", "openai", "--model-base-url", "http://127.0.0.1:9/v1",
                     "--model-name", "stub-model"], env={"OPENAI_API_KEY": SECRET})
    try:
        with grpc.insecure_channel(daemon.address) as channel:
            planning = pg.PlanningServiceStub(channel)
            with pytest.raises(grpc.RpcError) as failure:
                planning.SuggestPDEMappings(p.SuggestPDEMappingsRequest(
                    ad_hoc=p.AdHocAttribute(name="Outstanding Balance"),
                    scope=p.SUGGESTION_SCOPE_CATALOG), timeout=5)
            assert failure.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
            assert SECRET not in failure.value.details()
        assert SECRET not in daemon.log()
    finally:
        daemon.stop()
