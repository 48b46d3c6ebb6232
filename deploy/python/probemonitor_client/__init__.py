"""Python client for the ProbeMonitor sidecar: score requests over gRPC, and a PyTorch hook that streams activations.

Generate the protobuf modules first: deploy/python/generate_protos.sh (see deploy/python/README.md).
"""

from ._protos import health_pb, pb
from .activations import encode_activations, pool_hidden_states
from .client import ProbeMonitorClient
from .hook import ActivationHook

__all__ = ["ProbeMonitorClient", "ActivationHook", "encode_activations", "pool_hidden_states", "pb", "health_pb"]
__version__ = "0.1.0"
