"""Bidirectional streaming through the transport, with grpcio against /bench.Echo/Bidi (echoes each message)."""
import os
import queue
import threading

import grpc
import pytest

BIDI = "/bench.Echo/Bidi"
MiB = 1024 * 1024
OPTIONS = [("grpc.max_send_message_length", 8 * MiB), ("grpc.max_receive_message_length", 8 * MiB)]


@pytest.fixture(scope="module")
def channel(daemon):
    with grpc.insecure_channel(daemon.address, options=OPTIONS) as ch:
        grpc.channel_ready_future(ch).result(timeout=10)
        yield ch


def bidi(channel):
    return channel.stream_stream(BIDI)


def test_echoes_many_messages_in_order(channel):
    messages = [os.urandom(i % 300) for i in range(1000)]
    assert list(bidi(channel)(iter(messages), timeout=30)) == messages


def test_answers_each_message_before_the_client_half_closes(channel):
    requests = queue.Queue()
    call = bidi(channel)(iter(requests.get, None), timeout=30, metadata=[("x-grpc-test-echo-initial", "hello")])
    for i in range(20):
        requests.put(b"ping %d" % i)
        assert next(call) == b"ping %d" % i
    assert ("x-grpc-test-echo-initial", "hello") in call.initial_metadata()
    requests.put(None)
    assert list(call) == []
    assert call.code() == grpc.StatusCode.OK


def test_no_messages_ends_ok(channel):
    call = bidi(channel)(iter([]), timeout=10)
    assert list(call) == []
    assert call.code() == grpc.StatusCode.OK


def test_compressed_requests_and_large_messages(channel):
    messages = [b"z" * (1 * MiB), b"small", b"y" * (3 * MiB)]
    call = bidi(channel)(iter(messages), timeout=30, compression=grpc.Compression.Gzip)
    assert list(call) == messages


def test_oversized_message_is_resource_exhausted(channel):
    with pytest.raises(grpc.RpcError) as failure:
        list(bidi(channel)(iter([b"ok", b"\0" * (4 * MiB + 1)]), timeout=30))
    assert failure.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_handler_falling_behind_past_the_buffer_is_resource_exhausted(channel):
    # The handler sleeps 2 s before reading; 8 MiB of messages overflow the 4 MiB request buffer.
    call = bidi(channel)(iter([b"m" * (64 * 1024)] * 128), timeout=30,
                         metadata=[("x-grpc-test-read-delay-ms", "2000")])
    with pytest.raises(grpc.RpcError) as failure:
        list(call)
    assert failure.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "bytes of request messages behind" in failure.value.details()


def test_slow_handler_within_the_buffer_gets_every_message(channel):
    messages = [b"%d" % i * 100 for i in range(2000)]  # about 700 KB, under the 4 MiB buffer
    call = bidi(channel)(iter(messages), timeout=30, metadata=[("x-grpc-test-read-delay-ms", "500")])
    assert list(call) == messages


def test_deadline_while_the_client_keeps_the_stream_open(channel):
    requests = queue.Queue()
    call = bidi(channel)(iter(requests.get, None), timeout=0.5)
    requests.put(b"one")
    assert next(call) == b"one"
    with pytest.raises(grpc.RpcError) as failure:
        next(call)
    assert failure.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    requests.put(None)


def test_client_cancel_mid_stream_leaves_the_server_serving(channel, daemon):
    requests = queue.Queue()
    call = bidi(channel)(iter(requests.get, None), timeout=30)
    requests.put(b"before cancel")
    assert next(call) == b"before cancel"
    call.cancel()
    requests.put(None)
    assert call.code() == grpc.StatusCode.CANCELLED
    # Many concurrent streams afterwards still work.
    results = []

    def run(k):
        results.append(list(bidi(channel)(iter([b"%d" % k] * 10), timeout=30)) == [b"%d" % k] * 10)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 16


def test_stalled_streams_share_the_connection_budget_and_return_it(daemon):
    """Each call buffers 3.5 MiB (under its 4 MiB) while its handler sleeps; 20 of them pass the connection's
    64 MiB, so some end RESOURCE_EXHAUSTED. Afterwards the budget is whole again: 10 such calls all succeed."""
    options = OPTIONS + [("grpc.use_local_subchannel_pool", 1)]  # a connection of its own
    message = b"b" * (64 * 1024)

    def round_of(n):
        outcomes = [None] * n

        def run(k):
            call = channel.stream_stream(BIDI)(iter([message] * 56), timeout=60,
                                               metadata=[("x-grpc-test-read-delay-ms", "3000")])
            try:
                outcomes[k] = len(list(call))
            except grpc.RpcError as error:
                outcomes[k] = (error.code(), error.details())

        threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return outcomes

    with grpc.insecure_channel(daemon.address, options=options) as channel:
        first = round_of(20)
        refused = [o for o in first if o != 56]
        assert refused, "20 x 3.5 MiB should pass the 64 MiB connection budget"
        assert all(o == (grpc.StatusCode.RESOURCE_EXHAUSTED, "connection request buffer limit exceeded")
                   for o in refused), refused
        assert round_of(10) == [56] * 10
