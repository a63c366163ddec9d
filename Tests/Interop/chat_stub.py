"""A Chat Completions stub on loopback, answering the way a well-behaved model would, for the jobs'
end-to-end test with `--model-provider openai`. It records every request it gets."""
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIELD = re.compile(r"Field\s+(\d+)\.\s+([A-Z][^:\n]{2,60}):\s*([^\n]*)")


def find_key(value, key):
    if isinstance(value, dict):
        if key in value:
            return value[key]
        for inner in value.values():
            found = find_key(inner, key)
            if found is not None:
                return found
    elif isinstance(value, list):
        for inner in value:
            found = find_key(inner, key)
            if found is not None:
                return found
    return None


def answer(body):
    schema = body.get("response_format", {}).get("json_schema", {})
    name = schema.get("name")
    user = "\n".join(m.get("content", "") for m in body.get("messages", []) if m.get("role") == "user")
    if name == "test_attributes":
        attributes = [{"name": m.group(2).strip(), "description": m.group(3).strip()[:200] or m.group(2),
                       "data_type": "text", "is_critical_data_element": False, "allowable_values": [],
                       "section": None, "field_number": m.group(1)} for m in FIELD.finditer(user)]
        return {"attributes": attributes}
    if name == "pde_mappings":
        ids = find_key(find_key(schema, "pde_id") or {}, "enum") or []
        return {"suggestions": [{"pde_id": ids[0], "confidence": 0.8, "rationale": "stub: first candidate"}]
                if ids else []}
    if name == "pde_classification":
        return {"criticality": "medium", "security_class": "internal", "contains_personal_data": False,
                "rationale": "stub classification", "rule": "stub"}
    return {}


class ChatStub:
    def __init__(self):
        self.requests = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                stub.requests.append({"path": self.path, "authorization": self.headers.get("authorization"),
                                      "body": body})
                content = json.dumps(answer(body))
                reply = json.dumps({
                    "id": "chatcmpl-stub", "object": "chat.completion", "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                }).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
