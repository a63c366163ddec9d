#!/usr/bin/env python3
"""Soak test of planning-rpcd: a bounded mixed load on the release daemon, sampled every few seconds.

Load (all on loopback, all bounded in count and time):
  - `planning-rpc bench` unary calls on /bench.Echo/Unary, cycling the payload size (0 B .. 1 MiB);
  - `planning-rpc bench` server streams on /bench.Echo/Stream, cycling the stream length (1 .. 2,000 messages);
  - `planning-rpc bench --jobs` ClassifyPDEs jobs with watchers, some slow, some re-attaching;
  - grpcio clients that disconnect mid-stream, read slowly, and hit deadlines;
  - grpcio job clients: submit a job, drop its stream, then watchers that come and go (some read to the end,
    some cancel early), and an occasional CancelJob;
  - every --abuse-every seconds, a few cases of the shared HTTP/2 abuse battery (../shared/abuse), rotating.

Samples every --interval seconds: the daemon's RSS, open fds and threads (from /proc), open connections and
streams (from /metrics on the admin port).

Fails (exit 1) when:
  - a call ends with a status its client did not expect, a bench run reports errors, or an abuse case fails;
  - after the warm-up (the first --warmup fraction of the run, at least 60 s), the least-squares slope of RSS
    exceeds --rss-slope-mib-per-hour (default 20 MiB/h), of open fds --fd-slope-per-hour (default 30/h), or of
    open streams --stream-slope-per-hour (default 30/h); the slopes gate only when the fitted window is at least
    5 minutes long (shorter runs report them);
  - once the load has stopped, the daemon does not return within 30 s to no open streams, no connections and at
    most 8 more fds than before the load started (what a leak of calls, tasks or sockets would prevent).
"""
import argparse
import json
import os
import random
import re
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "Tests", "Interop"))

import grpc  # noqa: E402

import planning_stubs as stubs  # noqa: E402

UNARY_SIZES = [0, 100, 4096, 65536, 1 << 20]
STREAM_LENGTHS = [1, 100, 2000, 10]


def parse_duration(text):
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smh]?)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError("a duration is N, Ns, Nm or Nh")
    return float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


class Daemon:
    def __init__(self, binary, extra):
        self.data_dir = tempfile.mkdtemp(prefix="soak-data-")
        self.log_path = os.path.join(self.data_dir, "daemon.log")
        self.log_file = open(self.log_path, "w")
        args = [binary, "--port", "0", "--admin-port", "0", "--data-dir", self.data_dir, "--demo-data",
                "--enable-bench-service", "--log-level", "info", "--drain-timeout", "5"] + extra
        self.process = subprocess.Popen(args, stdout=self.log_file, stderr=subprocess.STDOUT)
        self.port = self._wait(r"port=(\d+).*listening|listening.*port=(\d+)")
        self.admin_port = self._wait(r"admin\.url=http://[^ ]*:(\d+)")
        self.address = "127.0.0.1:%d" % self.port

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def _wait(self, pattern):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("planning-rpcd exited early:\n" + self.log())
            match = re.search(pattern, self.log())
            if match:
                return int(next(g for g in match.groups() if g))
            time.sleep(0.05)
        raise RuntimeError("planning-rpcd did not report %s:\n%s" % (pattern, self.log()))

    def sample(self):
        pid = self.process.pid
        status = open("/proc/%d/status" % pid).read()
        rss_kib = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
        fds = len(os.listdir("/proc/%d/fd" % pid))
        metrics = {}
        try:
            text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.admin_port, timeout=5).read().decode()
            for line in text.splitlines():
                match = re.match(r"(grpc_server_connections_open|grpc_server_streams_open)(?:\{[^}]*\})? (\S+)", line)
                if match:
                    metrics[match.group(1)] = float(match.group(2))
        except OSError:
            pass
        return {"rss_mib": rss_kib / 1024.0, "fds": fds, "threads": threads,
                "connections": metrics.get("grpc_server_connections_open"),
                "streams": metrics.get("grpc_server_streams_open")}

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return None
        return self.process.returncode


class Soak:
    def __init__(self, args, daemon):
        self.args = args
        self.daemon = daemon
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses = Counter()     # (worker, status) -> count, every call the Python clients made
        self.unexpected = []          # human-readable failures
        self.bench_runs = Counter()
        self.abuse_runs = 0

    # Bookkeeping

    def record(self, worker, code, expected):
        with self.lock:
            self.statuses[(worker, code)] += 1
            if code not in expected:
                self.unexpected.append("%s: %s (expected %s)" % (worker, code, "/".join(sorted(expected))))

    def fail(self, text):
        with self.lock:
            self.unexpected.append(text)

    def remaining(self):
        return self.deadline - time.monotonic()

    # Bench-driven load

    def run_bench(self, name, extra, seconds):
        command = [self.args.client, "bench", "--server", self.daemon.address, "--json", "--warmup", "0"] + extra
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
        except subprocess.TimeoutExpired:
            self.fail("%s: bench did not finish in %ds" % (name, seconds + 120))
            return
        with self.lock:
            self.bench_runs[name] += 1
        try:
            report = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            self.fail("%s: bench exited %d without a report: %s" % (name, done.returncode, done.stderr[-500:]))
            return
        if report.get("errors") or done.returncode != 0 or report.get("passed") is False:
            self.fail("%s: bench errors %s, passed %s, exit %d" % (
                name, report.get("errors"), report.get("passed"), done.returncode))

    def bench_unary(self):
        index = 0
        while not self.stop.is_set() and self.remaining() > 5:
            size = UNARY_SIZES[index % len(UNARY_SIZES)]
            seconds = max(1, min(15, int(self.remaining() - 2)))
            self.run_bench("bench-unary", ["--method", "/bench.Echo/Unary", "--payload-size", str(size),
                                           "--connections", "2", "--concurrency", "8" if size >= 65536 else "32",
                                           "--duration", str(seconds)], seconds)
            index += 1

    def bench_stream(self):
        index = 0
        while not self.stop.is_set() and self.remaining() > 5:
            length = STREAM_LENGTHS[index % len(STREAM_LENGTHS)]
            seconds = max(1, min(15, int(self.remaining() - 2)))
            self.run_bench("bench-stream", ["--method", "/bench.Echo/Stream", "--stream-count", str(length),
                                            "--connections", "1", "--concurrency", "8", "--duration", str(seconds)],
                           seconds)
            index += 1

    def bench_jobs(self):
        while not self.stop.is_set() and self.remaining() > 60:
            self.run_bench("bench-jobs", ["--jobs", "2", "--watchers-per-job", "6", "--job-kind", "classify",
                                          "--pde-count", "4", "--slow-watchers", "30", "--reattach-watchers", "30"],
                           90)
            self.stop.wait(5)

    # Misbehaving grpcio clients

    def chaos_streams(self):
        rng = random.Random(1)
        stream = None
        unary = None
        while not self.stop.is_set():
            channel = grpc.insecure_channel(self.daemon.address)
            stream = channel.unary_stream("/bench.Echo/Stream")
            unary = channel.unary_unary("/bench.Echo/Unary")
            try:
                for _ in range(20):
                    if self.stop.is_set():
                        break
                    choice = rng.random()
                    if choice < 0.35:
                        # Disconnect mid-stream: read a few messages of a long stream, then cancel.
                        call = stream(struct.pack(">I", 1_000_000), timeout=30)
                        try:
                            for index, _ in enumerate(call):
                                if index >= rng.randint(1, 200):
                                    call.cancel()
                                    break
                            self.record("mid-stream-cancel", call.code().name, {"CANCELLED", "OK"})
                        except grpc.RpcError as error:
                            self.record("mid-stream-cancel", error.code().name, {"CANCELLED"})
                    elif choice < 0.6:
                        # Slow reader: 300 messages read 2 ms apart.
                        call = stream(struct.pack(">I", 300), timeout=60)
                        try:
                            for _ in call:
                                time.sleep(0.002)
                            self.record("slow-reader", call.code().name, {"OK"})
                        except grpc.RpcError as error:
                            self.record("slow-reader", error.code().name, {"OK"})
                    elif choice < 0.85:
                        # Deadline expiry on an endless stream.
                        call = stream(struct.pack(">I", 0x7FFFFFFF), timeout=rng.choice([0.05, 0.2, 0.5]))
                        try:
                            for _ in call:
                                pass
                            self.record("deadline", "OK", {"DEADLINE_EXCEEDED"})
                        except grpc.RpcError as error:
                            self.record("deadline", error.code().name, {"DEADLINE_EXCEEDED"})
                    else:
                        # A unary call whose deadline is shorter than the round trip can be.
                        try:
                            unary(b"x" * 1024, timeout=0.0005)
                            self.record("tiny-deadline", "OK", {"OK", "DEADLINE_EXCEEDED"})
                        except grpc.RpcError as error:
                            self.record("tiny-deadline", error.code().name, {"OK", "DEADLINE_EXCEEDED"})
            finally:
                # Closing the channel with calls still open is one more way of disconnecting mid-call.
                channel.close()

    def demo_ids(self, channel):
        catalog = stubs.catalog_pb2_grpc.CatalogServiceStub(channel)
        cycles = catalog.ListCycles(stubs.catalog_pb2.ListCyclesRequest(), timeout=10).cycles
        cycle = [c for c in cycles if c.name == "2026 Q4"][0]
        report = catalog.ListReports(stubs.catalog_pb2.ListReportsRequest(cycle_id=cycle.id), timeout=10).reports[0]
        pdes = catalog.ListPDEs(stubs.catalog_pb2.ListPDEsRequest(page_size=20), timeout=10).pdes
        return report.id, [p.id for p in pdes]

    def chaos_jobs(self):
        rng = random.Random(2)
        with grpc.insecure_channel(self.daemon.address) as channel:
            report_id, pde_ids = self.demo_ids(channel)
        pb = stubs.planning_pb2
        while not self.stop.is_set() and self.remaining() > 30:
            with grpc.insecure_channel(self.daemon.address) as channel:
                planning = stubs.planning_pb2_grpc.PlanningServiceStub(channel)
                request = pb.ClassifyPDEsRequest(pde_ids=rng.sample(pde_ids, 3))
                call = planning.ClassifyPDEs(request, timeout=30)
                job_id = None
                try:
                    first = next(call)
                    job_id = first.job_id
                    call.cancel()   # the submitter goes away; the job goes on
                    self.record("job-submit", "OK", {"OK"})
                except grpc.RpcError as error:
                    self.record("job-submit", error.code().name, {"CANCELLED"} if job_id else {"OK"})
                if not job_id:
                    continue
                threads = []
                for index in range(4):
                    threads.append(threading.Thread(target=self.watcher, args=(planning, job_id, index, rng.random())))
                for thread in threads:
                    thread.start()
                if rng.random() < 0.2:
                    try:
                        planning.CancelJob(pb.CancelJobRequest(job_id=job_id), timeout=10)
                        self.record("cancel-job", "OK", {"OK"})
                    except grpc.RpcError as error:
                        # The job may already have ended.
                        self.record("cancel-job", error.code().name, {"FAILED_PRECONDITION"})
                for thread in threads:
                    thread.join(timeout=120)
            self.stop.wait(1)

    def watcher(self, planning, job_id, index, dice):
        request = stubs.planning_pb2.WatchJobRequest(job_id=job_id, after_sequence=index)
        call = planning.WatchJob(request, timeout=90)
        try:
            if dice < 0.5:
                for event in call:
                    pass
                self.record("watcher-full", call.code().name, {"OK"})
            else:
                for seen, _ in enumerate(call):
                    if seen >= 2:
                        call.cancel()
                        break
                self.record("watcher-leaves", "CANCELLED", {"CANCELLED"})
        except grpc.RpcError as error:
            expected = {"OK"} if dice < 0.5 else {"CANCELLED"}
            self.record("watcher-full" if dice < 0.5 else "watcher-leaves", error.code().name, expected)

    # Abuse

    def abuse(self):
        battery = self.args.abuse
        listed = subprocess.run([sys.executable, battery, "--list"], capture_output=True, text=True, timeout=60)
        cases = [line.split()[0] for line in listed.stdout.splitlines() if line.strip() and not line.startswith(" ")]
        cases = [c for c in cases if re.fullmatch(r"[a-z0-9_]+", c)]
        if not cases:
            self.fail("abuse: cannot list the battery's cases: %s" % listed.stderr[-300:])
            return
        offset = 0
        while not self.stop.wait(self.args.abuse_every):
            if self.remaining() < 60:
                return
            chosen = [cases[(offset + i) % len(cases)] for i in range(4)]
            offset += 4
            command = [sys.executable, battery, "--host", "127.0.0.1", "--port", str(self.daemon.port),
                       "--pid", str(self.daemon.process.pid), "--path", "/bench.Echo/Unary",
                       "--stream-path", "/bench.Echo/Stream", "--stream-body", "00000064",
                       "--slow-stream-body", "7fffffff", "--big-stream-body", "000f4240", "--scale", "0.3",
                       "--only", ",".join(chosen)]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=300)
            except subprocess.TimeoutExpired:
                self.fail("abuse %s: did not finish in 300 s" % chosen)
                continue
            self.abuse_runs += 1
            for line in done.stdout.splitlines():
                if line.startswith("FAIL"):
                    self.fail("abuse: " + line)
            if not re.search(r", 0 failed", done.stdout):
                self.fail("abuse %s: %s" % (chosen, done.stdout[-300:] + done.stderr[-300:]))

    # Run

    def run(self):
        self.start = time.monotonic()
        self.deadline = self.start + self.args.duration
        samples = []
        baseline = self.daemon.sample()
        workers = [self.bench_unary, self.bench_stream, self.bench_jobs, self.chaos_streams, self.chaos_jobs]
        if self.args.abuse and os.path.exists(self.args.abuse):
            workers.append(self.abuse)
        threads = [threading.Thread(target=self.guard, args=(w,), name=w.__name__, daemon=True) for w in workers]
        for thread in threads:
            thread.start()
        while time.monotonic() < self.deadline:
            if self.daemon.process.poll() is not None:
                self.fail("the daemon exited during the run (status %s)" % self.daemon.process.returncode)
                break
            sample = self.daemon.sample()
            sample["t"] = time.monotonic() - self.start
            samples.append(sample)
            print("t=%5.0fs rss=%7.1f MiB fds=%4d threads=%3d connections=%s streams=%s" % (
                sample["t"], sample["rss_mib"], sample["fds"], sample["threads"], sample["connections"],
                sample["streams"]), flush=True)
            time.sleep(min(self.args.interval, max(0.1, self.deadline - time.monotonic())))
        self.stop.set()
        for thread in threads:
            thread.join(timeout=150)
            if thread.is_alive():
                self.fail("worker %s did not stop" % thread.name)
        return baseline, samples, self.quiet(baseline)

    def guard(self, worker):
        try:
            worker()
        except Exception as error:  # noqa: BLE001 - any crash of a load worker is a failed soak
            self.fail("%s crashed: %r" % (worker.__name__, error))

    def quiet(self, baseline):
        """Waits for the daemon to settle once the load has stopped; returns the last sample."""
        deadline = time.monotonic() + 30
        while True:
            sample = self.daemon.sample()
            settled = (sample["streams"] == 0 and sample["connections"] == 0
                       and sample["fds"] <= baseline["fds"] + 8)
            if settled or time.monotonic() > deadline:
                break
            time.sleep(1)
        if not settled:
            self.fail("after the load: %s streams, %s connections, %d fds (%d before the load)" % (
                sample["streams"], sample["connections"], sample["fds"], baseline["fds"]))
        return sample


def slope_per_hour(points):
    n = len(points)
    if n < 3:
        return 0.0
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    return sum((t - mean_t) * (v - mean_v) for t, v in points) / var * 3600


def plot(path, samples, warmup, summary):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    minutes = [s["t"] / 60 for s in samples]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    top.plot(minutes, [s["rss_mib"] for s in samples], color="tab:blue")
    top.set_ylabel("RSS (MiB)")
    top.set_title("planning-rpcd soak, %.0f min: RSS slope %+.1f MiB/h, fd slope %+.1f /h after warm-up" % (
        summary["seconds"] / 60, summary["rss_slope_mib_per_hour"], summary["fd_slope_per_hour"]))
    bottom.plot(minutes, [s["fds"] for s in samples], color="tab:orange", label="open fds")
    bottom.plot(minutes, [s["streams"] or 0 for s in samples], color="tab:green", label="open streams")
    bottom.plot(minutes, [s["connections"] or 0 for s in samples], color="tab:red", label="connections")
    bottom.set_ylabel("count")
    bottom.set_xlabel("minutes")
    bottom.legend(loc="upper right")
    for axis in (top, bottom):
        axis.axvspan(0, warmup / 60, color="grey", alpha=0.15)
        axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=90)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=parse_duration, default=600, help="run time: N, Ns, Nm, Nh (10m)")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between samples")
    parser.add_argument("--warmup", type=float, default=0.2, help="fraction of the run not fitted (at least 60 s)")
    parser.add_argument("--daemon", default=os.path.join(ROOT, ".build", "release", "planning-rpcd"))
    parser.add_argument("--client", default=os.path.join(ROOT, ".build", "release", "planning-rpc"))
    parser.add_argument("--abuse", default=os.path.join(ROOT, "..", "shared", "abuse", "abuse_cases.py"))
    parser.add_argument("--abuse-every", type=float, default=120.0)
    parser.add_argument("--rss-slope-mib-per-hour", type=float, default=20.0)
    parser.add_argument("--fd-slope-per-hour", type=float, default=30.0)
    parser.add_argument("--stream-slope-per-hour", type=float, default=30.0)
    parser.add_argument("--plot", default="", help="write a PNG of RSS, fds and streams (needs matplotlib)")
    parser.add_argument("--json", default="", help="write the summary and samples as JSON")
    parser.add_argument("--no-build", action="store_true", help="(scripts/soak) use the binaries as they are")
    args = parser.parse_args()

    # Slow job items, so that watchers really wait; two jobs at a time.
    daemon = Daemon(args.daemon, ["--simulated-model-latency-ms", "20", "--max-running-jobs", "2",
                                  "--heartbeat-interval", "2"])
    soak = Soak(args, daemon)
    try:
        baseline, samples, final = soak.run()
    finally:
        exit_status = daemon.stop()
    if exit_status != 0:
        soak.fail("the daemon exited with %s on SIGTERM" % exit_status)

    warmup = max(60.0, args.warmup * args.duration)
    fitted = [s for s in samples if s["t"] >= warmup]
    window = (fitted[-1]["t"] - fitted[0]["t"]) if len(fitted) >= 2 else 0.0
    summary = {
        "seconds": args.duration,
        "samples": len(samples),
        "warmup_seconds": warmup,
        "fitted_seconds": window,
        "rss_mib_start": baseline["rss_mib"],
        "rss_mib_after_warmup": fitted[0]["rss_mib"] if fitted else None,
        "rss_mib_max": max((s["rss_mib"] for s in samples), default=None),
        "rss_mib_end": samples[-1]["rss_mib"] if samples else None,
        "rss_mib_quiet": final["rss_mib"],
        "fds_start": baseline["fds"],
        "fds_max": max((s["fds"] for s in samples), default=None),
        "fds_quiet": final["fds"],
        "streams_max": max((s["streams"] or 0 for s in samples), default=None),
        "rss_slope_mib_per_hour": slope_per_hour([(s["t"], s["rss_mib"]) for s in fitted]),
        "fd_slope_per_hour": slope_per_hour([(s["t"], s["fds"]) for s in fitted]),
        "stream_slope_per_hour": slope_per_hour([(s["t"], s["streams"] or 0) for s in fitted]),
        "thread_slope_per_hour": slope_per_hour([(s["t"], s["threads"]) for s in fitted]),
        "bench_runs": dict(soak.bench_runs),
        "abuse_runs": soak.abuse_runs,
        "client_statuses": {"%s %s" % key: count for key, count in sorted(soak.statuses.items())},
    }
    if window >= 300:
        for key, limit in (("rss_slope_mib_per_hour", args.rss_slope_mib_per_hour),
                           ("fd_slope_per_hour", args.fd_slope_per_hour),
                           ("stream_slope_per_hour", args.stream_slope_per_hour)):
            if summary[key] > limit:
                soak.fail("%s is %.1f, above %.1f" % (key, summary[key], limit))
    summary["failures"] = soak.unexpected[:50]
    summary["passed"] = not soak.unexpected
    print(json.dumps(summary, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"summary": summary, "samples": samples}, f, indent=1)
    if args.plot:
        plot(args.plot, samples, warmup, summary)
    if soak.unexpected:
        print("soak: FAILED (%d problems; daemon log in %s)" % (len(soak.unexpected), daemon.log_path))
        sys.exit(1)
    print("soak: passed")


if __name__ == "__main__":
    main()
