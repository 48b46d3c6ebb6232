"""A blocking gRPC client for the ProbeMonitor sidecar (probemonitor.v1.ProbeMonitor and grpc.health.v1.Health)."""

import itertools

import grpc

from ._protos import health_pb, pb
from .activations import encode_activations

_SERVICE = "/probemonitor.v1.ProbeMonitor/"
_HEALTH_CHECK = "/grpc.health.v1.Health/Check"
_STATUS_NAMES = {v: k for k, v in health_pb.HealthCheckResponse.ServingStatus.items()}


class ProbeMonitorClient:
    """Scores prompts, chats, token ids or activations with the probes of a sidecar at target ("host:port", h2c).

    The sidecar listens for gRPC on 127.0.0.1:5006 by default. Calls raise grpc.RpcError on failure, carrying the
    sidecar's status code and message. Use as a context manager, or call close().
    """

    def __init__(self, target="127.0.0.1:5006", *, timeout=None, metadata=None, options=None, channel=None):
        self._owns_channel = channel is None
        self._channel = channel if channel is not None else grpc.insecure_channel(target, options=options or [])
        self._timeout = timeout
        self._metadata = tuple(metadata or ())
        self._ids = itertools.count()
        ser = _serializer
        self._score = self._channel.unary_unary(_SERVICE + "Score", ser, pb.ScoreResponse.FromString)
        self._score_stream = self._channel.stream_stream(_SERVICE + "ScoreStream", ser, pb.ScoreResponse.FromString)
        self._list = self._channel.unary_unary(_SERVICE + "ListProbes", ser, pb.ListProbesResponse.FromString)
        self._reload = self._channel.unary_unary(_SERVICE + "ReloadProbes", ser, pb.ReloadProbesResponse.FromString)
        self._check = self._channel.unary_unary(_HEALTH_CHECK, ser, health_pb.HealthCheckResponse.FromString)

    def score(self, *, prompt=None, chat=None, token_ids=None, activations=None, layer=0, pooling=None, dtype="f32",
              probe_ids=(), explain=False, request_id=None, timeout=None):
        """Scores exactly one input and returns the ScoreResponse.

        prompt: str. chat: [(role, content), ...] or [{"role":..., "content":...}, ...]. token_ids: ints.
        activations: a torch tensor or numpy array [tokens, d_model] or [d_model] (see encode_activations for layer,
        pooling and dtype), or a ready Activations message.
        """
        request = self.make_request(prompt=prompt, chat=chat, token_ids=token_ids, activations=activations, layer=layer,
                                    pooling=pooling, dtype=dtype, probe_ids=probe_ids, explain=explain,
                                    request_id=request_id)
        return self._score(request, timeout=self._pick(timeout), metadata=self._metadata)

    def score_stream(self, requests, *, timeout=None):
        """Streams requests (ScoreRequest messages, or dicts of score()'s keyword arguments) over one ScoreStream call and
        yields the responses, one per request, in request order. The iterator is consumed on a gRPC thread."""
        messages = (r if isinstance(r, pb.ScoreRequest) else self.make_request(**r) for r in requests)
        return self._score_stream(messages, timeout=self._pick(timeout), metadata=self._metadata)

    def open_stream(self, requests, *, timeout=None):
        """Starts a ScoreStream call and returns the call object: iterate it for responses, cancel() to abort."""
        return self._score_stream(requests, timeout=self._pick(timeout), metadata=self._metadata)

    def list_probes(self, *, timeout=None):
        """The probes the sidecar has loaded (ListProbesResponse)."""
        return self._list(pb.ListProbesRequest(), timeout=self._pick(timeout), metadata=self._metadata)

    def reload_probes(self, *, timeout=None):
        """Asks the sidecar to re-read its probe bundles (ReloadProbesResponse)."""
        return self._reload(pb.ReloadProbesRequest(), timeout=self._pick(timeout), metadata=self._metadata)

    def health(self, service="", *, timeout=None):
        """The serving status name ("SERVING", "NOT_SERVING", ...) of the whole sidecar, or of one service."""
        response = self._check(health_pb.HealthCheckRequest(service=service), timeout=self._pick(timeout),
                               metadata=self._metadata)
        return _STATUS_NAMES.get(response.status, str(response.status))

    def make_request(self, *, prompt=None, chat=None, token_ids=None, activations=None, layer=0, pooling=None,
                     dtype="f32", probe_ids=(), explain=False, request_id=None):
        """Builds a ScoreRequest with exactly one input; request_id defaults to a per-client counter."""
        given = [name for name, v in (("prompt", prompt), ("chat", chat), ("token_ids", token_ids),
                                      ("activations", activations)) if v is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of prompt, chat, token_ids or activations (got {given or 'none'})")
        request = pb.ScoreRequest(request_id=request_id if request_id is not None else f"py-{next(self._ids)}",
                                  probe_ids=list(probe_ids), explain=explain)
        if prompt is not None:
            request.prompt = prompt
        elif chat is not None:
            request.chat.CopyFrom(pb.ChatMessages(messages=[_chat_message(m) for m in chat]))
        elif token_ids is not None:
            request.token_ids.CopyFrom(pb.TokenIds(ids=[int(i) for i in token_ids]))
        elif isinstance(activations, pb.Activations):
            request.activations.CopyFrom(activations)
        else:
            request.activations.CopyFrom(encode_activations(activations, layer=layer, pooling=pooling, dtype=dtype))
        return request

    def close(self):
        """Closes the channel if this client created it."""
        if self._owns_channel:
            self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _pick(self, timeout):
        return timeout if timeout is not None else self._timeout


def _serializer(message):
    return message.SerializeToString()


def _chat_message(m):
    if isinstance(m, dict):
        return pb.ChatMessage(role=m["role"], content=m["content"])
    role, content = m
    return pb.ChatMessage(role=role, content=content)
