#!/usr/bin/env python3
"""Memory per idle connection and per idle WatchJob stream of planning-rpcd (run by scripts/bench-memory).

1. Starts the release daemon with the demo data, `--max-running-jobs 1` and a simulated model latency of 10 minutes
   per item, so every job but the first waits in the queue and its watchers stay idle.
2. Measures the daemon's RSS (mean of 3 samples, /proc/PID/status), then opens --connections idle HTTP/2
   connections (raw sockets: preface, SETTINGS, SETTINGS ACK, nothing more), waits until /metrics counts them, and
   measures again: (delta) / connections = bytes per idle connection.
3. Submits --jobs ClassifyPDEs jobs (each submitter drops its stream once it has the job id; the job stays), then
   opens --watchers WatchJob streams spread over --watcher-connections connections (h2, flow-control windows
   opened wide), waits until /metrics counts the streams, and measures again:
   (delta - watcher connections x bytes per connection) / watchers = bytes per idle watcher.
Everything is bounded by --timeout seconds. Prints the figures, and JSON with --json.
"""
import argparse
import json
import os
import re
import resource
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Interop"))

import grpc  # noqa: E402
import h2.config  # noqa: E402
import h2.connection  # noqa: E402
import h2.events  # noqa: E402
import h2.settings  # noqa: E402

import planning_stubs as stubs  # noqa: E402

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
SETTINGS_ACK = b"\x00\x00\x00\x04\x01\x00\x00\x00\x00"


class Daemon:
    def __init__(self, binary, fd_limit):
        self.data_dir = tempfile.mkdtemp(prefix="bench-memory-")
        self.log_path = os.path.join(self.data_dir, "daemon.log")
        log = open(self.log_path, "w")

        def limits():
            resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

        self.process = subprocess.Popen(
            [binary, "--port", "0", "--admin-port", "0", "--data-dir", self.data_dir, "--demo-data",
             "--max-running-jobs", "1", "--simulated-model-latency-ms", "600000", "--max-queued-jobs", "1000"],
            stdout=log, stderr=subprocess.STDOUT, preexec_fn=limits)
        self.port = self._wait(r"port=(\d+).*listening|listening.*port=(\d+)")
        self.admin_port = self._wait(r"admin\.url=http://[^ ]*:(\d+)")

    def _wait(self, pattern):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("planning-rpcd exited early:\n" + open(self.log_path).read())
            match = re.search(pattern, open(self.log_path, errors="replace").read())
            if match:
                return int(next(g for g in match.groups() if g))
            time.sleep(0.05)
        raise SystemExit("planning-rpcd did not report %s" % pattern)

    def rss_bytes(self):
        values = []
        for _ in range(3):
            status = open("/proc/%d/status" % self.process.pid).read()
            values.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) * 1024)
            time.sleep(0.5)
        return sum(values) / len(values)

    def gauge(self, name):
        text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.admin_port, timeout=10).read().decode()
        match = re.search(r"^%s(?:\{[^}]*\})? (\S+)$" % name, text, re.M)
        return float(match.group(1)) if match else 0.0

    def wait_gauge(self, name, target, deadline):
        while time.monotonic() < deadline:
            value = self.gauge(name)
            if value >= target:
                return value
            time.sleep(0.5)
        raise SystemExit("%s did not reach %d (last %s)" % (name, target, self.gauge(name)))

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def open_idle(port, count, deadline):
    sockets = []
    while len(sockets) < count:
        if time.monotonic() > deadline:
            raise SystemExit("opened only %d idle connections in time" % len(sockets))
        batch = min(200, count - len(sockets))
        for _ in range(batch):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(PREFACE + SETTINGS + SETTINGS_ACK)
            sockets.append(s)
        time.sleep(0.05)
    return sockets


def drain(sockets):
    for s in sockets:
        s.setblocking(False)
        try:
            while s.recv(65536):
                pass
        except (BlockingIOError, InterruptedError):
            pass


def submit_jobs(address, count):
    with grpc.insecure_channel(address) as channel:
        catalog = stubs.catalog_pb2_grpc.CatalogServiceStub(channel)
        cycle = [c for c in catalog.ListCycles(stubs.catalog_pb2.ListCyclesRequest(), timeout=10).cycles
                 if c.name == "2026 Q4"][0]
        report = catalog.ListReports(stubs.catalog_pb2.ListReportsRequest(cycle_id=cycle.id), timeout=10).reports[0]
        pdes = [p.id for p in catalog.ListPDEs(stubs.catalog_pb2.ListPDEsRequest(page_size=5), timeout=10).pdes]
        planning = stubs.planning_pb2_grpc.PlanningServiceStub(channel)
        jobs = []
        for _ in range(count):
            call = planning.ClassifyPDEs(stubs.planning_pb2.ClassifyPDEsRequest(pde_ids=pdes),
                                         timeout=30)
            jobs.append(next(call).job_id)
            call.cancel()
        return jobs


class Watchers:
    """WatchJob streams on a few h2 connections, read and discarded by poll()."""

    def __init__(self, port, jobs, watchers, connections):
        self.selector = selectors.DefaultSelector()
        self.conns = []
        self.ended = 0
        config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
        per_connection = -(-watchers // connections)
        opened = 0
        for index in range(connections):
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            conn = h2.connection.H2Connection(config=config)
            conn.initiate_connection()
            conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 2**31 - 1})
            conn.increment_flow_control_window(2**30)
            for _ in range(min(per_connection, watchers - opened)):
                job = jobs[opened % len(jobs)]
                message = stubs.planning_pb2.WatchJobRequest(job_id=job).SerializeToString()
                stream = conn.get_next_available_stream_id()
                conn.send_headers(stream, [(":method", "POST"), (":scheme", "http"), (":authority", "localhost"),
                                           (":path", "/planning.v1.PlanningService/WatchJob"),
                                           ("content-type", "application/grpc"), ("te", "trailers")])
                conn.send_data(stream, b"\x00" + len(message).to_bytes(4, "big") + message, end_stream=True)
                opened += 1
            s.sendall(conn.data_to_send())
            s.setblocking(False)
            self.selector.register(s, selectors.EVENT_READ, conn)
            self.conns.append((s, conn))

    def poll(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for key, _ in self.selector.select(timeout=0.2):
                s, conn = key.fileobj, key.data
                try:
                    data = s.recv(1 << 20)
                except (BlockingIOError, InterruptedError):
                    continue
                if not data:
                    self.selector.unregister(s)
                    continue
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.DataReceived):
                        conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                    elif isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)):
                        self.ended += 1
                pending = conn.data_to_send()
                if pending:
                    s.setblocking(True)
                    s.sendall(pending)
                    s.setblocking(False)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--daemon", default=os.path.join(ROOT, ".build", "release", "planning-rpcd"))
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--watchers", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--watcher-connections", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", default="")
    args = parser.parse_args()

    deadline = time.monotonic() + args.timeout
    need = args.connections + args.watcher_connections + 1000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < need:
        raise SystemExit("the hard fd limit is %d; %d needed (raise it with ulimit -Hn)" % (hard, need))
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, need), hard))

    daemon = Daemon(args.daemon, max(need, 4096))
    try:
        address = "127.0.0.1:%d" % daemon.port
        with grpc.insecure_channel(address) as channel:   # warm the code paths before the baseline
            stubs.catalog_pb2_grpc.CatalogServiceStub(channel).ListCycles(stubs.catalog_pb2.ListCyclesRequest(),
                                                                          timeout=10)
        time.sleep(2)
        base = daemon.rss_bytes()
        base_connections = daemon.gauge("grpc_server_connections_open")

        started = time.monotonic()
        idle = open_idle(daemon.port, args.connections, deadline)
        daemon.wait_gauge("grpc_server_connections_open", base_connections + args.connections, deadline)
        drain(idle)
        connect_seconds = time.monotonic() - started
        time.sleep(3)
        with_connections = daemon.rss_bytes()
        per_connection = (with_connections - base) / args.connections

        jobs = submit_jobs(address, args.jobs)
        time.sleep(2)
        before_watchers = daemon.rss_bytes()
        base_streams = daemon.gauge("grpc_server_streams_open")
        started = time.monotonic()
        watchers = Watchers(daemon.port, jobs, args.watchers, args.watcher_connections)
        while daemon.gauge("grpc_server_streams_open") < base_streams + args.watchers:
            if time.monotonic() > deadline:
                raise SystemExit("only %d watchers open in time" % daemon.gauge("grpc_server_streams_open"))
            watchers.poll(1)
        watch_seconds = time.monotonic() - started
        watchers.poll(3)
        with_watchers = daemon.rss_bytes()
        if watchers.ended:
            raise SystemExit("%d watch streams ended while they should wait" % watchers.ended)
        per_watcher = (with_watchers - before_watchers - args.watcher_connections * per_connection) / args.watchers

        result = {
            "connections": args.connections,
            "watchers": args.watchers,
            "jobs": args.jobs,
            "watcher_connections": args.watcher_connections,
            "rss_base_mib": base / 2**20,
            "rss_with_connections_mib": with_connections / 2**20,
            "rss_before_watchers_mib": before_watchers / 2**20,
            "rss_with_watchers_mib": with_watchers / 2**20,
            "bytes_per_connection": round(per_connection),
            "bytes_per_watcher": round(per_watcher),
            "seconds_to_open_connections": round(connect_seconds, 1),
            "seconds_to_open_watchers": round(watch_seconds, 1),
        }
        print("idle connections: %d, RSS %.1f -> %.1f MiB: %.1f KiB per connection" % (
            args.connections, base / 2**20, with_connections / 2**20, per_connection / 1024))
        print("idle watchers:    %d on %d jobs over %d connections, RSS %.1f -> %.1f MiB: %.1f KiB per watcher" % (
            args.watchers, args.jobs, args.watcher_connections, before_watchers / 2**20, with_watchers / 2**20,
            per_watcher / 1024))
        print(json.dumps(result))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(result, f, indent=2)
    finally:
        daemon.stop()


if __name__ == "__main__":
    main()
