"""planning-rpc's job commands: the live bar on a terminal, lines when piped, JSON, Ctrl-C, re-attach."""
import json
import os
import pty
import random
import select
import signal
import subprocess
import time

from conftest import Daemon, kill_hard

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("PLANNING_RPC", os.path.join(ROOT, ".build", "debug", "planning-rpc"))


def cli(daemon, *args, timeout=60):
    return subprocess.run([BINARY] + list(args) + ["--server", daemon.address],
                          capture_output=True, text=True, timeout=timeout)


def demo_report_id(daemon):
    cycles = [json.loads(line) for line in cli(daemon, "cycles", "list", "--output", "json").stdout.splitlines()]
    cycle = [c for c in cycles if c["name"] == "2026 Q4"][0]
    reports = cli(daemon, "reports", "list", "--cycle", cycle["id"], "--output", "json").stdout.splitlines()
    return json.loads(reports[0])["id"]


def test_piped_output_is_one_line_per_event(daemon):
    result = cli(daemon, "generate-attributes", "--report", demo_report_id(daemon), "--no-auto-create")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "accepted" in lines[0]
    assert any(line.startswith("attribute ") for line in lines)
    assert lines[-2].startswith("done: generated ")
    assert lines[-1].startswith("[####################] 100% done")
    assert "\r" not in result.stdout and "\x1b" not in result.stdout


def assert_only_progress_skipped(daemon, job_id, sequences, after=0):
    """The live stream may leave out a progress event that a newer one replaced before the reader took it (the
    hub coalesces progress, DESIGN.md); every other event must be there once, in order. Checked against the
    job's whole log, which a replay from the store (`jobs watch`) shows uncoalesced."""
    log = [json.loads(line) for line in cli(daemon, "jobs", "watch", job_id, "--output", "json").stdout.splitlines()]
    kinds = {int(e["sequence"]): next(k for k in e if k in PAYLOADS) for e in log if "heartbeat" not in e}
    assert sorted(kinds) == list(range(1, len(kinds) + 1)), "the stored log has no gap"
    assert sequences == sorted(set(sequences)), "in order, none twice"
    assert sequences[-1] == max(kinds), "the terminal event is there"
    skipped = set(range(after + 1, max(kinds) + 1)) - set(sequences)
    assert all(kinds[n] == "progress" for n in skipped), {n: kinds[n] for n in skipped}


PAYLOADS = {"accepted", "progress", "attribute_generated", "mapping_suggested", "pde_classified", "result", "error"}


def test_json_output_is_every_event(daemon):
    result = cli(daemon, "classify", "--report", demo_report_id(daemon), "--output", "json")
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    sequences = [int(e["sequence"]) for e in events if "heartbeat" not in e]
    assert "accepted" in events[0] and ("result" in events[-1] or "error" in events[-1])
    assert_only_progress_skipped(daemon, events[0]["job_id"], sequences)


def test_terminal_shows_a_live_bar(daemon):
    leader, follower = pty.openpty()
    process = subprocess.Popen([BINARY, "generate-attributes", "--report", demo_report_id(daemon),
                                "--no-auto-create", "--server", daemon.address],
                               stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    output = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    process.wait(timeout=10)
    os.close(leader)
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-2000:]
    assert "\r\x1b[2K" in text, "the status line is redrawn in place"
    assert "100% done" in text
    assert "attribute " in text


def test_jobs_list_shows_owner_and_team(daemon):
    pdes = [json.loads(line)["id"] for line in
            cli(daemon, "pdes", "list", "--page-size", "2", "--output", "json").stdout.splitlines()]
    assert cli(daemon, "classify", *sum((["--pde", p] for p in pdes), []), "--output", "json").returncode == 0
    header = cli(daemon, "jobs", "list").stdout.splitlines()[0].split()
    assert header[header.index("OWNER") + 1] == "TEAM"
    # Without authentication the caller is `anonymous`, and that is also its team.
    newest = json.loads(cli(daemon, "jobs", "list", "--output", "json").stdout.splitlines()[0])
    assert newest["owner"] == "anonymous" and newest["team"] == "anonymous"


def test_unknown_job_exit_code(daemon):
    result = cli(daemon, "jobs", "get", "job_missing")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: NOT_FOUND: job job_missing not found"


def test_ctrl_c_detaches_and_names_the_reattach_command():
    daemon = Daemon(["--demo-data", "--simulated-model-latency-ms", "20"])
    try:
        pdes = [json.loads(line)["id"] for line in
                cli(daemon, "pdes", "list", "--page-size", "100", "--output", "json").stdout.splitlines()]
        args = [BINARY, "classify", "--server", daemon.address] + sum((["--pde", p] for p in pdes), [])
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
        assert process.returncode == 130, err
        assert "detached; the job goes on. Re-attach with: planning-rpc jobs watch job_" in err
        command = err.strip().splitlines()[-1].split("Re-attach with: planning-rpc ")[1].split()
        rest = subprocess.run([BINARY] + command + ["--server", daemon.address, "--output", "json"],
                              capture_output=True, text=True, timeout=60)
        assert rest.returncode == 0, rest.stderr
        after = int(command[command.index("--after") + 1])
        sequences = [int(json.loads(line)["sequence"]) for line in rest.stdout.splitlines()
                     if "heartbeat" not in line]
        assert_only_progress_skipped(daemon, command[command.index("watch") + 1], sequences, after=after)
    finally:
        daemon.stop()


def test_reattaches_after_the_server_restarts():
    port = random.randint(20000, 30000)
    daemon = Daemon(["--demo-data", "--simulated-model-latency-ms", "20"], port=port)
    restarted = None
    try:
        pdes = [json.loads(line)["id"] for line in
                cli(daemon, "pdes", "list", "--page-size", "150", "--output", "json").stdout.splitlines()]
        args = [BINARY, "classify", "--server", daemon.address, "--output", "json"] + \
            sum((["--pde", p] for p in pdes), [])
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        kill_hard(daemon)
        restarted = Daemon(["--simulated-model-latency-ms", "5"], data_dir=daemon.data_dir, port=port)
        out, err = process.communicate(timeout=90)
        assert process.returncode == 0, err
        events = [json.loads(line) for line in out.splitlines()]
        sequences = [int(e["sequence"]) for e in events if "heartbeat" not in e]
        assert "result" in events[-1]
        assert_only_progress_skipped(restarted, events[0]["job_id"], sequences)
        classified = [e["pde_classified"]["classification"]["pde_id"] for e in events if "pde_classified" in e]
        assert sorted(classified) == sorted(pdes)
    finally:
        daemon.stop()
        if restarted:
            restarted.stop()
