"""A small raw HTTP/2 gRPC client on Python's h2, for what stock clients hide: exact headers,
compressed-flag bytes, trailers-only responses and server-side deadlines."""
import socket
import struct
import time

import h2.config
import h2.connection
import h2.events


def grpc_frame(message, compressed=False):
    return bytes([1 if compressed else 0]) + struct.pack(">I", len(message)) + message


def parse_messages(body):
    messages, offset = [], 0
    while offset + 5 <= len(body):
        flag = body[offset]
        (length,) = struct.unpack(">I", body[offset + 1:offset + 5])
        messages.append((flag, body[offset + 5:offset + 5 + length]))
        offset += 5 + length
    return messages


class Response:
    def __init__(self):
        self.headers = {}
        self.trailers = {}
        self.body = b""
        self.reset = None
        self.ended = False

    def status(self):
        value = self.trailers.get("grpc-status", self.headers.get("grpc-status"))
        return None if value is None else int(value)

    def messages(self):
        return parse_messages(self.body)


def call(port, path, body, extra_headers=(), timeout=10.0, content_type="application/grpc", method="POST"):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    conn.increment_flow_control_window(2**30)
    sock.sendall(conn.data_to_send())
    headers = [(":method", method), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1:%d" % port),
               ("content-type", content_type), ("te", "trailers")] + list(extra_headers)
    conn.send_headers(1, headers, end_stream=not body)
    if body:
        conn.send_data(1, body, end_stream=True)
    sock.sendall(conn.data_to_send())
    response = Response()
    deadline = time.monotonic() + timeout
    while not response.ended and time.monotonic() < deadline:
        data = sock.recv(65536)
        if not data:
            break
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived):
                response.headers = dict(event.headers)
            elif isinstance(event, h2.events.TrailersReceived):
                response.trailers = dict(event.headers)
            elif isinstance(event, h2.events.DataReceived):
                response.body += event.data
                conn.acknowledge_received_data(event.flow_controlled_length, 1)
            elif isinstance(event, h2.events.StreamEnded):
                response.ended = True
            elif isinstance(event, h2.events.StreamReset):
                response.reset = event.error_code
                response.ended = True
        sock.sendall(conn.data_to_send())
    sock.close()
    return response
