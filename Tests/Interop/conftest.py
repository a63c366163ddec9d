"""Starts the real planning-rpcd on a free loopback port for the interop suite.

The daemon binary comes from PLANNING_RPCD (the Makefile sets it); its log is kept so that
tests can observe what the server did (e.g. that a cancelled call's handler ended).
"""
import os
import re
import signal
import subprocess
import tempfile
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Daemon:
    def __init__(self, args, data_dir=None, port=0, env=None):
        binary = os.environ.get("PLANNING_RPCD", os.path.join(ROOT, ".build", "debug", "planning-rpcd"))
        self.log_file = tempfile.NamedTemporaryFile(prefix="planning-rpcd-", suffix=".log", delete=False)
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="planning-rpcd-data-")
        self.args = [binary, "--port", str(port), "--log-level", "debug", "--data-dir", self.data_dir] + list(args)
        if "--admin-port" not in self.args:
            # The default admin port (9090) is one per machine; tests start several daemons.
            self.args += ["--admin-port", "0"]
        if "--web-port" not in self.args:
            # The same for the web listener (default 8080).
            self.args += ["--web-port", "0"]
        self.process = subprocess.Popen(self.args, stdout=self.log_file, stderr=subprocess.STDOUT,
                                        env=dict(os.environ, **(env or {})))
        self.port = self._wait_for_port()
        self.address = "127.0.0.1:%d" % self.port

    def _wait_for_port(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("planning-rpcd exited early:\n" + self.log())
            match = re.search(r"port=(\d+).*listening|listening.*port=(\d+)", self.log())
            if match:
                return int(match.group(1) or match.group(2))
            time.sleep(0.05)
        raise RuntimeError("planning-rpcd did not report its port:\n" + self.log())

    def admin_port(self, timeout=10.0):
        """The port of the admin HTTP listener (/metrics, /healthz, /readyz), from the log."""
        pattern = r"admin\.url=http://[^ ]*:(\d+)"
        if not self.wait_for_log(pattern, timeout):
            raise RuntimeError("planning-rpcd did not report its admin port:\n" + self.log())
        return int(re.search(pattern, self.log()).group(1))

    def web_port(self, timeout=10.0):
        """The port of the web listener (gRPC-Web, Connect, the dashboard), from the log."""
        pattern = r"web\.url=http://[^ ]*:(\d+)"
        if not self.wait_for_log(pattern, timeout):
            raise RuntimeError("planning-rpcd did not report its web port:\n" + self.log())
        return int(re.search(pattern, self.log()).group(1))

    def log(self):
        with open(self.log_file.name, errors="replace") as f:
            return f.read()

    def wait_for_log(self, pattern, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.log()):
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def daemon():
    d = Daemon(["--enable-bench-service", "--demo-data", "--drain-timeout", "5"])
    yield d
    d.stop()


def kill_hard(daemon):
    """SIGKILL, as a crash: no drain, no cleanup."""
    daemon.process.kill()
    daemon.process.wait()
