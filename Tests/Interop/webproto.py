"""Helpers for the web listener's tests: gRPC-Web frames, Connect envelopes, raw HTTP/1.1 on a socket."""
import base64
import json
import socket
import struct

TRAILERS_FLAG = 0x80
END_STREAM_FLAG = 0x02


def frame(payload, flag=0):
    """One length-prefixed gRPC-Web frame or Connect envelope."""
    return struct.pack(">BI", flag, len(payload)) + payload


def parse_frames(data):
    """Splits a body into (flag, payload) frames; fails on trailing garbage."""
    frames = []
    offset = 0
    while offset < len(data):
        assert len(data) - offset >= 5, "truncated frame prefix"
        flag, length = struct.unpack(">BI", data[offset:offset + 5])
        assert len(data) - offset - 5 >= length, "truncated frame"
        frames.append((flag, data[offset + 5:offset + 5 + length]))
        offset += 5 + length
    return frames


def decode_text_body(text):
    """A grpc-web-text body: padded base64 segments one after the other."""
    out = b""
    for start in range(0, len(text), 4):
        out += base64.b64decode(text[start:start + 4])
    return out


def grpc_web_trailers(payload):
    """The trailers frame's HTTP/1 header block as a dict of lists."""
    trailers = {}
    for line in payload.decode().split("\r\n"):
        if line:
            name, value = line.split(":", 1)
            trailers.setdefault(name, []).append(value)
    return trailers


def end_stream(frames):
    """The JSON of a Connect stream's end-of-stream envelope, which must be last and alone."""
    flags = [flag for flag, _ in frames]
    assert flags[-1] == END_STREAM_FLAG and END_STREAM_FLAG not in flags[:-1], flags
    return json.loads(frames[-1][1])


class RawHTTP:
    """HTTP/1.1 on a plain socket, for what requests hides: chunk boundaries, disconnects, slow reads."""

    def __init__(self, port, rcvbuf=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(20)
        self.sock.connect(("127.0.0.1", port))
        self.buffer = b""
        self.offset = 0

    def send_request(self, method, path, headers, body=b""):
        lines = ["%s %s HTTP/1.1" % (method, path), "host: 127.0.0.1"]
        lines += ["%s: %s" % (k, v) for k, v in headers]
        if method == "POST":
            lines.append("content-length: %d" % len(body))
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def _fill(self):
        data = self.sock.recv(1 << 20)
        if not data:
            raise EOFError("connection closed")
        self.buffer += data

    def read_head(self):
        self.buffer, self.offset = self.buffer[self.offset:], 0
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        return status, headers

    def read_chunk(self):
        """One chunk of a chunked body; b'' for the last."""
        # An offset into the buffer rather than slicing it per chunk: a stream has many small chunks.
        while self.buffer.find(b"\r\n", self.offset) < 0:
            self._compact_and_fill()
        end = self.buffer.find(b"\r\n", self.offset)
        size = int(self.buffer[self.offset:end].split(b";")[0], 16)
        self.offset = end + 2
        while len(self.buffer) - self.offset < size + 2:
            self._compact_and_fill()
        chunk = self.buffer[self.offset:self.offset + size]
        self.offset += size + 2
        return chunk

    def _compact_and_fill(self):
        self.buffer = self.buffer[self.offset:]
        self.offset = 0
        self._fill()

    def read_chunked_body(self):
        chunks = []
        while True:
            chunk = self.read_chunk()
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def read_exact(self, count):
        self.buffer, self.offset = self.buffer[self.offset:], 0
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def close(self):
        self.sock.close()
