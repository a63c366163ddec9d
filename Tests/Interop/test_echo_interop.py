"""gRPC interop against the real daemon with grpcio (gRPC C-core), the judge nobody here wrote."""
import os
import struct
import threading
import time

import grpc
import pytest

import h2raw

MiB = 1024 * 1024
UNARY = "/bench.Echo/Unary"
STREAM = "/bench.Echo/Stream"
OPTIONS = [("grpc.max_send_message_length", 8 * MiB), ("grpc.max_receive_message_length", 8 * MiB)]


@pytest.fixture(scope="module")
def channel(daemon):
    with grpc.insecure_channel(daemon.address, options=OPTIONS) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield ch


def unary(channel):
    return channel.unary_unary(UNARY)


def stream(channel):
    return channel.unary_stream(STREAM)


def count(k):
    return struct.pack(">I", k)


@pytest.mark.parametrize("size", [0, 1, 64 * 1024, 4 * MiB])
def test_unary_echo_sizes(channel, size):
    payload = os.urandom(size)
    assert unary(channel)(payload, timeout=30) == payload


def test_unary_one_past_max_is_resource_exhausted(channel):
    with pytest.raises(grpc.RpcError) as failure:
        unary(channel)(b"\0" * (4 * MiB + 1), timeout=30)
    assert failure.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_stream_ten_thousand_messages(channel):
    messages = list(stream(channel)(count(10000), timeout=30))
    assert len(messages) == 10000
    assert all(m == b"a" * 64 for m in messages)


def test_stream_zero_messages(channel):
    assert list(stream(channel)(count(0), timeout=10)) == []


def test_stream_short_request_is_invalid_argument(channel):
    with pytest.raises(grpc.RpcError) as failure:
        list(stream(channel)(b"\x01", timeout=10))
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_hundred_concurrent_calls_one_channel(channel):
    payloads = [os.urandom(100 + i) for i in range(100)]
    futures = [unary(channel).future(p, timeout=30) for p in payloads]
    assert [f.result() for f in futures] == payloads


def test_hundred_concurrent_calls_ten_channels(daemon):
    channels = [grpc.insecure_channel(daemon.address) for _ in range(10)]
    try:
        payloads = [os.urandom(10 + i) for i in range(100)]
        futures = [unary(channels[i % 10]).future(p, timeout=30) for i, p in enumerate(payloads)]
        assert [f.result() for f in futures] == payloads
    finally:
        for ch in channels:
            ch.close()


def test_deadline_exceeded_on_slow_call(channel):
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as failure:
        list(stream(channel)(count(0x7FFFFFFF), timeout=0.3))
    assert failure.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 5


def test_server_enforces_deadline_itself(daemon):
    # A raw client that ignores its own deadline: the server must end the call with status 4.
    response = h2raw.call(daemon.port, STREAM, h2raw.grpc_frame(count(0x7FFFFFFF)),
                          extra_headers=[("grpc-timeout", "200m")], timeout=10)
    assert response.status() == 4, (response.headers, response.trailers, response.reset)


def test_client_cancellation_ends_the_server_handler(channel, daemon):
    call = stream(channel)(count(0x7FFFFFFF), timeout=30)
    for _ in range(3):
        next(call)
    call.cancel()
    assert daemon.wait_for_log(r"path=/bench\.Echo/Stream.*status=CANCELLED.*handler finished", timeout=5), daemon.log()[-2000:]


def test_unknown_method(channel):
    with pytest.raises(grpc.RpcError) as failure:
        channel.unary_unary("/bench.Echo/NoSuchMethod")(b"", timeout=5)
    assert failure.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "NoSuchMethod" in failure.value.details()


def test_unknown_service(channel):
    with pytest.raises(grpc.RpcError) as failure:
        channel.unary_unary("/no.such.Service/Call")(b"", timeout=5)
    assert failure.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "no.such.Service" in failure.value.details()


def test_custom_metadata_unary(channel):
    trailing = b"\x0a\x0b\x0a\x0b\x0a\x0b"
    response, call = unary(channel).with_call(
        b"hello", timeout=5,
        metadata=[("x-grpc-test-echo-initial", "test_initial_metadata_value"),
                  ("x-grpc-test-echo-trailing-bin", trailing)])
    assert response == b"hello"
    assert ("x-grpc-test-echo-initial", "test_initial_metadata_value") in call.initial_metadata()
    assert ("x-grpc-test-echo-trailing-bin", trailing) in call.trailing_metadata()


def test_custom_metadata_streaming(channel):
    trailing = b"\x0a\x0b\x0a\x0b\x0a\x0b"
    call = stream(channel)(count(5), timeout=5,
                           metadata=[("x-grpc-test-echo-initial", "test_initial_metadata_value"),
                                     ("x-grpc-test-echo-trailing-bin", trailing)])
    assert len(list(call)) == 5
    assert ("x-grpc-test-echo-initial", "test_initial_metadata_value") in call.initial_metadata()
    assert ("x-grpc-test-echo-trailing-bin", trailing) in call.trailing_metadata()


def test_special_status_message(channel):
    message = "\t\ntest with whitespace\r\nand Unicode BMP \u2615 and non-BMP \U0001F608\t\n"
    with pytest.raises(grpc.RpcError) as failure:
        unary(channel)(b"", timeout=5, metadata=[("x-grpc-test-echo-status", "2"),
                                                  ("x-grpc-test-echo-message-bin", message.encode())])
    assert failure.value.code() == grpc.StatusCode.UNKNOWN
    assert failure.value.details() == message


def test_status_code_round_trip(channel):
    for code in grpc.StatusCode:
        if code == grpc.StatusCode.OK:
            continue
        with pytest.raises(grpc.RpcError) as failure:
            unary(channel)(b"", timeout=5, metadata=[("x-grpc-test-echo-status", str(code.value[0])),
                                                      ("x-grpc-test-echo-message-bin", code.name.encode())])
        assert failure.value.code() == code
        assert failure.value.details() == code.name


def test_client_compressed_unary(channel):
    payload = b"z" * 100000
    assert unary(channel)(payload, timeout=10, compression=grpc.Compression.Gzip) == payload


def test_server_compressed_streaming(channel):
    messages = list(stream(channel)(count(50), timeout=10,
                                    metadata=[("x-grpc-test-response-compression", "gzip")]))
    assert messages == [b"a" * 64] * 50


def test_server_compressed_streaming_on_the_wire(daemon):
    response = h2raw.call(daemon.port, STREAM, h2raw.grpc_frame(count(3)),
                          extra_headers=[("grpc-accept-encoding", "gzip"),
                                         ("x-grpc-test-response-compression", "gzip")])
    assert response.status() == 0
    assert response.headers.get("grpc-encoding") == "gzip"
    flags = [flag for flag, _ in response.messages()]
    assert flags == [1, 1, 1]


def test_wrong_content_type_is_415(daemon):
    response = h2raw.call(daemon.port, UNARY, h2raw.grpc_frame(b"x"), content_type="application/json")
    assert response.headers.get(":status") == "415"


def test_trailers_only_error_shape(daemon):
    response = h2raw.call(daemon.port, "/no.such.Service/Call", h2raw.grpc_frame(b""))
    assert response.headers.get(":status") == "200"
    assert response.headers.get("content-type", "").startswith("application/grpc")
    assert response.headers.get("grpc-status") == "12"
    assert response.body == b""


def test_streams_on_many_threads_concurrently(channel):
    errors = []

    def worker():
        try:
            for _ in range(5):
                assert len(list(stream(channel)(count(500), timeout=30))) == 500
        except Exception as e:  # noqa: BLE001 - surfaced below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
