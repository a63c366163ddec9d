"""deploy/planning-rpcd.service: systemd accepts it (systemd-analyze verify), it stops with SIGTERM and gives the
drain more time than --drain-timeout before SIGKILL, and it runs with no capabilities as a user of its own."""
import os
import re
import shutil
import subprocess
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
UNIT = os.path.join(ROOT, "deploy", "planning-rpcd.service")
DAEMON = os.environ.get("PLANNING_RPCD", os.path.join(ROOT, ".build", "debug", "planning-rpcd"))


def settings():
    values = {}
    for line in open(UNIT):
        match = re.match(r"^([A-Za-z]+)=(.*)$", line.strip())
        if match:
            values.setdefault(match.group(1), []).append(match.group(2))
    return values


def test_systemd_analyze_verifies_the_unit():
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze not found: scripts/install-deps installs systemd"
    # verify checks that ExecStart's binary exists: point a copy at the one just built.
    folder = tempfile.mkdtemp(prefix="unit-")
    copy = os.path.join(folder, "planning-rpcd.service")
    with open(copy, "w") as out:
        out.write(open(UNIT).read().replace("/usr/local/bin/planning-rpcd", os.path.abspath(DAEMON)))
    result = subprocess.run([analyze, "verify", copy], capture_output=True, text=True, timeout=60)
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if "planning-rpcd.service" in line or "Unknown" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


def test_stop_is_a_drain_with_time_to_finish():
    values = settings()
    assert values["KillSignal"] == ["SIGTERM"]
    drain = [float(v.split("=")[1]) for v in values["Environment"] if v.startswith("PLANNING_RPCD_DRAIN_TIMEOUT=")]
    assert drain and float(values["TimeoutStopSec"][0]) > drain[0] + 1, "TimeoutStopSec must exceed the drain"
    assert values["Restart"] == ["on-failure"]


def test_runs_unprivileged_with_a_state_directory():
    values = settings()
    assert values["DynamicUser"] == ["yes"] and values["StateDirectory"] == ["planning-rpcd"]
    assert values["AmbientCapabilities"] == [""] and values["CapabilityBoundingSet"] == [""]
    assert values["NoNewPrivileges"] == ["yes"]
    assert "PLANNING_RPCD_DATA_DIR=%S/planning-rpcd" in values["Environment"]


def test_the_units_environment_is_a_valid_configuration():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNING_RPCD_")}
    for assignment in settings()["Environment"]:
        name, value = assignment.split("=", 1)
        env[name] = value.replace("%S", "/var/lib")
    result = subprocess.run([DAEMON, "--print-config"], capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode == 0, result.stderr
    assert 'data-dir: "/var/lib/planning-rpcd"  # environment PLANNING_RPCD_DATA_DIR' in result.stdout
