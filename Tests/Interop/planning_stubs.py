"""Python stubs for planning.v1, generated at test time from Protos/ with grpcio-tools.

Generating here (not committing Python code) means the suite always tests the .proto files as they are.
"""
import importlib
import os
import sys
import tempfile

from grpc_tools import protoc

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROTOS = os.path.join(ROOT, "Protos")
_OUT = tempfile.mkdtemp(prefix="planning-stubs-")


def _generate():
    import grpc_tools
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    files = []
    # Only planning/: Protos/grpc/ would generate a `grpc` package here that shadows grpcio's.
    for folder, _, names in os.walk(os.path.join(PROTOS, "planning")):
        files += [os.path.relpath(os.path.join(folder, n), PROTOS) for n in names if n.endswith(".proto")]
    code = protoc.main(["grpc_tools.protoc", "-I", PROTOS, "-I", include, "--python_out", _OUT,
                        "--grpc_python_out", _OUT] + sorted(files))
    if code != 0:
        raise RuntimeError("protoc failed on Protos/")
    for folder, _, _ in os.walk(_OUT):
        init = os.path.join(folder, "__init__.py")
        if not os.path.exists(init):
            open(init, "w").close()
    sys.path.insert(0, _OUT)


_generate()
common_pb2 = importlib.import_module("planning.v1.common_pb2")
catalog_pb2 = importlib.import_module("planning.v1.catalog_pb2")
catalog_pb2_grpc = importlib.import_module("planning.v1.catalog_pb2_grpc")
planning_pb2 = importlib.import_module("planning.v1.planning_pb2")
planning_pb2_grpc = importlib.import_module("planning.v1.planning_pb2_grpc")
