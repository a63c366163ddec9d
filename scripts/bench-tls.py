#!/usr/bin/env python3
"""Plaintext vs TLS (docs/performance.md, "TLS"): unary 64 B throughput and latency with `planning-rpc bench`
(2 connections x 100 calls in flight, lean client), the server's CPU per call, and the handshake cost: h2load opens
1,000 connections at once, one request each, and the server's CPU per connection is read from /proc.

    scripts/bench-tls.py DAEMON CLIENT CERT_DIR OUT_DIR      (CERT_DIR from scripts/make-test-certs; ROUNDS, DURATION)

BASELINE=path/to/an/older/planning-rpcd adds its plaintext figures, to show that plaintext did not get slower.
"""
import json
import os
import re
import subprocess
import sys
import time

DAEMON, CLIENT, CERTS, OUT = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
BASELINE = os.environ.get("BASELINE")
ROUNDS = int(os.environ.get("ROUNDS", "2"))
DURATION = os.environ.get("DURATION", "8")
TICK = os.sysconf("SC_CLK_TCK")


def start(name, tls, binary):
    log = open(f"{OUT}/daemon-{name}.log", "w")
    args = [binary, "--port", "0", "--admin-port", "0", "--threads", "1", "--data-dir", f"{OUT}/data-{name}",
            "--enable-bench-service"]
    if tls:
        args += ["--tls-cert", f"{CERTS}/server.pem", "--tls-key", f"{CERTS}/server.key"]
    p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        m = re.search(r"port=(\d+).*listening", open(log.name).read())
        if m:
            return p, int(m.group(1))
        time.sleep(0.1)
    raise SystemExit("no port")


def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def bench(port, tls):
    args = [CLIENT, "bench", "--server", f"127.0.0.1:{port}", "--method", "/bench.Echo/Unary", "--payload-size",
            "64", "--connections", "2", "--concurrency", "100", "--duration", DURATION, "--warmup", "1", "--json"]
    if tls:
        args += ["--tls-ca", f"{CERTS}/ca.pem"]
    return json.loads(subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout)


def churn(port, tls, n=int(os.environ.get("CONNECTIONS", "1000"))):
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}/bench.Echo/Unary"
    out = subprocess.run(["h2load", "-n", str(n), "-c", str(n), "-m", "1", "-t", "1", "-d", f"{OUT}/req64.bin",
                          "-H", "content-type: application/grpc", "-H", "te: trailers", url],
                         capture_output=True, text=True, timeout=300).stdout
    value, unit = re.search(r"finished in ([\d.]+)(ms|s)", out).groups()
    finished = float(value) / (1000 if unit == "ms" else 1)
    ok = int(re.search(r"(\d+) succeeded", out).group(1))
    return finished, ok


with open(f"{OUT}/req64.bin", "wb") as f:
    f.write(b"\x00\x00\x00\x00\x40" + b"a" * 64)
results = []
configurations = [("plaintext", DAEMON, False), ("tls", DAEMON, True)]
if BASELINE:
    configurations.append(("plaintext-baseline", BASELINE, False))
for round_ in range(ROUNDS):
    for name, binary, tls in configurations:
        p, port = start(name, tls, binary)
        try:
            c0 = cpu(p.pid)
            r = bench(port, tls)
            c1 = cpu(p.pid)
            calls = r["succeeded"]
            finished, ok = churn(port, tls)
            c2 = cpu(p.pid)
            row = dict(round=round_ + 1, server=name, calls_per_s=round(r["calls_per_second"]),
                       p50_us=r["latency_us"]["p50"], p99_us=r["latency_us"]["p99"],
                       errors=r["errors"], cpu_us_per_call=None,
                       conn_per_s=round(ok / finished), handshakes_ok=ok,
                       cpu_us_per_connection=round((c2 - c1) * 1e6 / max(ok, 1)),
                       load=open("/proc/loadavg").read().split()[0])
            # The bench's calls include warm-up ones; the server CPU is divided by the measured calls only.
            row["cpu_us_per_call"] = round((c1 - c0) * 1e6 / max(calls, 1), 1)
            print(json.dumps(row), flush=True)
            results.append(row)
        finally:
            p.terminate()
            p.wait()
json.dump(results, open(f"{OUT}/results.json", "w"), indent=1)
