"""The generated protobuf message modules, with a clear error when they have not been generated yet."""

try:
    from ._generated import health_pb2, probe_monitor_pb2
except ImportError as e:  # pragma: no cover - the message is the point
    raise ImportError(
        "probemonitor_client needs its protobuf modules: run deploy/python/generate_protos.sh "
        "(protoc --python_out from protos/probe_monitor.proto and protos/health.proto) before installing or importing it"
    ) from e

pb = probe_monitor_pb2
health_pb = health_pb2

__all__ = ["pb", "health_pb"]
