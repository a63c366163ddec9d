"""CatalogService from grpcio with stubs generated from Protos/: create, list back, and every error class."""
import uuid

import grpc
import pytest

from planning_stubs import catalog_pb2 as c
from planning_stubs import catalog_pb2_grpc as cg
from planning_stubs import common_pb2 as m


@pytest.fixture(scope="module")
def catalog(daemon):
    with grpc.insecure_channel(daemon.address) as channel:
        yield cg.CatalogServiceStub(channel)


def unique(prefix):
    return "%s %s" % (prefix, uuid.uuid4().hex[:8])


def code_of(call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as failure:
        call(*args, timeout=10, **kwargs)
    return failure.value.code(), failure.value.details()


def test_demo_data_is_loaded(catalog):
    cycles = catalog.ListCycles(c.ListCyclesRequest(page_size=100), timeout=10).cycles
    demo = [x for x in cycles if x.name == "2026 Q4"]
    assert len(demo) == 1
    reports = catalog.ListReports(c.ListReportsRequest(cycle_id=demo[0].id), timeout=10).reports
    assert [r.name for r in reports] == ["FR Y-14Q Schedule H.1 Corporate Loan Data"]
    documents = catalog.ListDocuments(c.ListDocumentsRequest(report_id=reports[0].id), timeout=10).documents
    assert len(documents) == 2 and max(d.text_size for d in documents) > 5000
    systems = set()
    token = ""
    total = 0
    while True:
        page = catalog.ListPDEs(c.ListPDEsRequest(page_size=100, page_token=token), timeout=10)
        total += len(page.pdes)
        systems |= {p.system for p in page.pdes}
        token = page.next_page_token
        if not token:
            break
    assert total >= 250
    assert len(systems) == 3


def test_create_and_list_back(catalog):
    cycle = catalog.CreateCycle(c.CreateCycleRequest(cycle=m.Cycle(name=unique("cycle"), description="d")), timeout=10)
    assert cycle.id and cycle.create_time.seconds > 0
    report = catalog.CreateReport(c.CreateReportRequest(cycle_id=cycle.id, report=m.Report(name="Schedule X")),
                                  timeout=10)
    assert report.cycle_id == cycle.id
    document = catalog.AddDocument(c.AddDocumentRequest(
        report_id=report.id, document=m.Document(title="Instructions", text="Field 1. Loan Number: the id.")),
        timeout=10)
    assert document.text_size == len("Field 1. Loan Number: the id.")
    listed = catalog.ListDocuments(c.ListDocumentsRequest(report_id=report.id, include_text=True), timeout=10)
    assert [d.text for d in listed.documents] == ["Field 1. Loan Number: the id."]

    system = unique("SYS").replace(" ", "_")
    imported = catalog.ImportPDEs(c.ImportPDEsRequest(pdes=[
        m.Pde(system=system, table="LOAN", column="LN_NBR", data_type="VARCHAR(20)", description="loan number"),
        m.Pde(system=system, table="LOAN", column="CURR_BAL_AMT", data_type="DECIMAL(18,2)",
              sample_values=["100.00"]),
    ]), timeout=10)
    assert (imported.created_count, imported.updated_count) == (2, 0)
    again = catalog.ImportPDEs(c.ImportPDEsRequest(pdes=[
        m.Pde(system=system, table="LOAN", column="LN_NBR", data_type="VARCHAR(30)")]), timeout=10)
    assert (again.created_count, again.updated_count) == (0, 1)
    assert again.pdes[0].id == imported.pdes[0].id
    pdes = catalog.ListPDEs(c.ListPDEsRequest(system=system), timeout=10).pdes
    assert sorted(p.column for p in pdes) == ["CURR_BAL_AMT", "LN_NBR"]

    attribute = catalog.CreateAttribute(c.CreateAttributeRequest(
        report_id=report.id, attribute=m.Attribute(name="Loan Number", data_type="identifier",
                                                   critical_data_element=True)), timeout=10)
    listed = catalog.ListAttributes(c.ListAttributesRequest(report_id=report.id), timeout=10).attributes
    assert [(a.id, a.name, a.critical_data_element) for a in listed] == [(attribute.id, "Loan Number", True)]
    assert catalog.ListPDEMappings(c.ListPDEMappingsRequest(report_id=report.id), timeout=10).mappings == []
    assert catalog.ListPDEClassifications(
        c.ListPDEClassificationsRequest(pde_id=pdes[0].id), timeout=10).classifications == []


def test_pagination_is_stable(catalog):
    cycle = catalog.CreateCycle(c.CreateCycleRequest(cycle=m.Cycle(name=unique("paging"))), timeout=10)
    names = ["R%02d" % i for i in range(7)]
    for name in names:
        catalog.CreateReport(c.CreateReportRequest(cycle_id=cycle.id, report=m.Report(name=name)), timeout=10)
    seen, token = [], ""
    while True:
        page = catalog.ListReports(c.ListReportsRequest(cycle_id=cycle.id, page_size=3, page_token=token),
                                   timeout=10)
        seen += [r.name for r in page.reports]
        if len(seen) == 3:  # an insert while paging must not shift later pages
            catalog.CreateReport(c.CreateReportRequest(cycle_id=cycle.id, report=m.Report(name="late")), timeout=10)
        token = page.next_page_token
        if not token:
            break
    assert seen[:7] == names
    assert len(seen) == len(set(seen))


def test_errors(catalog, daemon):
    code, details = code_of(catalog.CreateCycle, c.CreateCycleRequest(cycle=m.Cycle(name="")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "cycle.name" in details

    name = unique("dup")
    catalog.CreateCycle(c.CreateCycleRequest(cycle=m.Cycle(name=name)), timeout=10)
    code, _ = code_of(catalog.CreateCycle, c.CreateCycleRequest(cycle=m.Cycle(name=name)))
    assert code == grpc.StatusCode.ALREADY_EXISTS

    code, details = code_of(catalog.CreateReport,
                            c.CreateReportRequest(cycle_id="cyc_missing", report=m.Report(name="x")))
    assert code == grpc.StatusCode.NOT_FOUND and "cyc_missing" in details

    code, details = code_of(catalog.ListReports, c.ListReportsRequest(cycle_id=""))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "cycle_id" in details

    code, details = code_of(catalog.ListCycles, c.ListCyclesRequest(page_token="garbage"))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "page_token" in details

    code, details = code_of(catalog.ListCycles, c.ListCyclesRequest(page_size=-1))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "page_size" in details

    code, details = code_of(catalog.ImportPDEs, c.ImportPDEsRequest(pdes=[m.Pde(system="S", table="T")]))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "pdes[0].column" in details

    code, details = code_of(catalog.ImportPDEs, c.ImportPDEsRequest())
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "pdes" in details

    code, details = code_of(catalog.ListPDEMappings, c.ListPDEMappingsRequest())
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "scope" in details

    code, details = code_of(catalog.UpdatePDEMapping,
                            c.UpdatePDEMappingRequest(mapping_id="map_x", state=m.MAPPING_STATE_SUGGESTED))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "state" in details

    code, details = code_of(catalog.UpdatePDEMapping,
                            c.UpdatePDEMappingRequest(mapping_id="map_missing", state=m.MAPPING_STATE_ACCEPTED))
    assert code == grpc.StatusCode.NOT_FOUND and "map_missing" in details

    code, details = code_of(catalog.CreateAttribute, c.CreateAttributeRequest(
        report_id="rep_missing", attribute=m.Attribute(name="x", data_type="colour")))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "attribute.data_type" in details

    code, details = code_of(catalog.ListPDEClassifications, c.ListPDEClassificationsRequest(pde_id="pde_missing"))
    assert code == grpc.StatusCode.NOT_FOUND

    # Bytes that are not a protobuf message: INVALID_ARGUMENT, not INTERNAL.
    raw = grpc.insecure_channel(daemon.address)
    try:
        code, details = code_of(raw.unary_unary("/planning.v1.CatalogService/CreateCycle"), b"\xff\xff\xff")
        assert code == grpc.StatusCode.INVALID_ARGUMENT and "CreateCycleRequest" in details
    finally:
        raw.close()


INVALID = grpc.StatusCode.INVALID_ARGUMENT
MISSING = grpc.StatusCode.NOT_FOUND

# Every CatalogService RPC with a bad request: (method, request, expected code, text the message must name).
BAD_REQUESTS = [
    ("CreateCycle", c.CreateCycleRequest(), INVALID, "cycle.name"),
    ("ListCycles", c.ListCyclesRequest(page_token="x"), INVALID, "page_token"),
    ("CreateReport", c.CreateReportRequest(report=m.Report(name="r")), INVALID, "cycle_id"),
    ("CreateReport", c.CreateReportRequest(cycle_id="cyc_x"), INVALID, "report.name"),
    ("ListReports", c.ListReportsRequest(cycle_id="cyc_x"), MISSING, "cyc_x"),
    ("AddDocument", c.AddDocumentRequest(document=m.Document(title="t", text="x")), INVALID, "report_id"),
    ("AddDocument", c.AddDocumentRequest(report_id="rep_x", document=m.Document(text="x")), INVALID,
     "document.title"),
    ("AddDocument", c.AddDocumentRequest(report_id="rep_x", document=m.Document(title="t")), INVALID,
     "document.text"),
    ("AddDocument", c.AddDocumentRequest(report_id="rep_x", document=m.Document(title="t", text="x")), MISSING,
     "rep_x"),
    ("ListDocuments", c.ListDocumentsRequest(), INVALID, "report_id"),
    ("ListDocuments", c.ListDocumentsRequest(report_id="rep_x"), MISSING, "rep_x"),
    ("ImportPDEs", c.ImportPDEsRequest(pdes=[m.Pde(table="T", column="C")]), INVALID, "pdes[0].system"),
    ("ImportPDEs", c.ImportPDEsRequest(pdes=[m.Pde(system="S", table="T", column="C")] * 2), INVALID,
     "appears twice"),
    ("ListPDEs", c.ListPDEsRequest(page_size=-5), INVALID, "page_size"),
    ("CreateAttribute", c.CreateAttributeRequest(attribute=m.Attribute(name="a")), INVALID, "report_id"),
    ("CreateAttribute", c.CreateAttributeRequest(report_id="rep_x"), INVALID, "attribute.name"),
    ("CreateAttribute", c.CreateAttributeRequest(report_id="rep_x", attribute=m.Attribute(name="a")), MISSING,
     "rep_x"),
    ("ListAttributes", c.ListAttributesRequest(), INVALID, "report_id"),
    ("ListAttributes", c.ListAttributesRequest(report_id="rep_x"), MISSING, "rep_x"),
    ("ListPDEMappings", c.ListPDEMappingsRequest(report_id="rep_x"), MISSING, "rep_x"),
    ("ListPDEMappings", c.ListPDEMappingsRequest(attribute_id="att_x"), MISSING, "att_x"),
    ("ListPDEMappings", c.ListPDEMappingsRequest(report_id="rep_x", state=99), INVALID, "state"),
    ("UpdatePDEMapping", c.UpdatePDEMappingRequest(state=m.MAPPING_STATE_ACCEPTED), INVALID, "mapping_id"),
    ("ListPDEClassifications", c.ListPDEClassificationsRequest(pde_id="pde_x"), MISSING, "pde_x"),
]


@pytest.mark.parametrize("method,request_message,code,named", BAD_REQUESTS,
                         ids=["%s-%d" % (b[0], i) for i, b in enumerate(BAD_REQUESTS)])
def test_every_rpc_validates(catalog, method, request_message, code, named):
    got, details = code_of(getattr(catalog, method), request_message)
    assert (got, named in details) == (code, True), details
