"""planning-rpc, the command-line client, against the real daemon: table and JSON output, exit codes, bench.

The binary comes from PLANNING_RPC (the Makefile sets it), by default <repo>/.build/debug/planning-rpc.
"""
import json
import os
import subprocess
import uuid

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

BINARY = os.environ.get("PLANNING_RPC", os.path.join(ROOT, ".build", "debug", "planning-rpc"))


def run(daemon, *args, server=None, timeout=60):
    command = [BINARY] + list(args)
    if server is not False:
        command += ["--server", server or daemon.address]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def json_lines(output):
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def demo_cycle(daemon):
    result = run(daemon, "cycles", "list", "--output", "json", "--all")
    assert result.returncode == 0, result.stderr
    return next(c for c in json_lines(result.stdout) if c["name"] == "2026 Q4")


def test_cycles_list_as_table_and_json(daemon):
    table = run(daemon, "cycles", "list", "--all")
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "CREATED", "DESCRIPTION"]
    assert any("2026 Q4" in line for line in lines[1:])
    cycle = demo_cycle(daemon)
    assert cycle["id"].startswith("cyc_")
    assert cycle["id"] in table.stdout


def test_create_then_list_back(daemon):
    name = "cli cycle %s" % uuid.uuid4().hex[:8]
    created = run(daemon, "cycles", "create", "--name", name, "--description", "from the CLI", "--output", "json")
    assert created.returncode == 0, created.stderr
    [cycle] = json_lines(created.stdout)
    assert cycle["name"] == name and cycle["description"] == "from the CLI"
    report = run(daemon, "reports", "create", "--cycle", cycle["id"], "--name", "R1", "--output", "json")
    assert report.returncode == 0, report.stderr
    [report] = json_lines(report.stdout)
    listed = run(daemon, "reports", "list", "--cycle", cycle["id"])
    assert listed.returncode == 0, listed.stderr
    assert report["id"] in listed.stdout and "R1" in listed.stdout


def test_documents_and_pdes_from_files(daemon, tmp_path):
    cycle = demo_cycle(daemon)
    reports = json_lines(run(daemon, "reports", "list", "--cycle", cycle["id"], "--output", "json").stdout)
    document = tmp_path / "instructions.txt"
    document.write_text("Field 1: Obligor name. The legal name of the obligor.\n")
    added = run(daemon, "documents", "add", "--report", reports[0]["id"], "--file", str(document), "--output", "json")
    assert added.returncode == 0, added.stderr
    [doc] = json_lines(added.stdout)
    assert doc["title"] == "instructions.txt"
    system = "CLI%s" % uuid.uuid4().hex[:6].upper()
    csv = tmp_path / "pdes.csv"
    csv.write_text('system,table,column,data_type,description,sample_values\n'
                   '%s,LOANS,OBLIGOR_NM,varchar,"Obligor name, legal",ACME|Globex\n' % system)
    imported = run(daemon, "pdes", "import", "--csv", str(csv), "--output", "json")
    assert imported.returncode == 0, imported.stderr
    [response] = json_lines(imported.stdout)
    assert response["created_count"] == 1
    listed = run(daemon, "pdes", "list", "--system", system, "--output", "json")
    [pde] = json_lines(listed.stdout)
    assert pde["description"] == "Obligor name, legal" and pde["sample_values"] == ["ACME", "Globex"]


def test_not_found_is_one_line_and_exit_code_2(daemon):
    result = run(daemon, "reports", "list", "--cycle", "cyc_x")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == ["error: NOT_FOUND: cycle cyc_x not found"]


def test_invalid_argument_is_exit_code_1(daemon):
    result = run(daemon, "cycles", "create", "--name", "")
    assert result.returncode == 1
    assert result.stderr.startswith("error: INVALID_ARGUMENT: ")


def test_unreachable_server_is_exit_code_3(daemon):
    result = run(daemon, "cycles", "list", server="127.0.0.1:1")
    assert result.returncode == 3
    assert result.stderr.startswith("error: UNAVAILABLE: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_usage_errors_are_exit_code_64(daemon):
    assert run(daemon, "cycles", "list", "--bogus").returncode == 64
    assert run(daemon, "mappings", "list").returncode == 64  # needs --report or --attribute
    assert run(daemon, "cycles", "list", server="nonsense").returncode == 64


def test_bench_unary_smoke(daemon):
    result = run(daemon, "bench", "--duration", "1", "--warmup", "0.2", "--concurrency", "8", "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["succeeded"] > 0 and report["calls_per_second"] > 0
    assert report["errors"] == {}
    latency = report["latency_us"]
    values = [latency[k] for k in ("p50", "p90", "p99", "p99.9", "max")]
    assert values == sorted(values) and values[0] > 0


def test_bench_streaming_counts_messages(daemon):
    result = run(daemon, "bench", "--method", "/bench.Echo/Stream", "--stream-count", "50", "--requests", "200",
                 "--concurrency", "4", "--warmup", "0", "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["succeeded"] == 200 and report["messages"] == 200 * 50


def test_bench_counts_errors_by_status(daemon):
    result = run(daemon, "bench", "--method", "/bench.Echo/Stream", "--payload-size", "2", "--requests", "50",
                 "--concurrency", "4", "--warmup", "0", "--json", timeout=60)
    # A 2-byte request is not a count: every call fails with INVALID_ARGUMENT, none succeeds.
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["succeeded"] == 0 and report["errors"] == {"INVALID_ARGUMENT": 50}
