"""A PyTorch forward hook that streams a layer's pooled hidden states to the sidecar while the model serves."""

import itertools
import queue
import threading

from ._protos import pb
from .activations import pool_hidden_states, pooling_value

_END = object()


class ActivationHook:
    """Registers a forward hook on module (e.g. the probed decoder layer) and, for every forward call, pools the
    layer's output hidden state per sequence and sends one ScoreRequest per sequence on a single ScoreStream call.

    Each request carries float32 activations of shape [1, d_model] (the pooled vector as a one-token matrix, so any
    pooling the sidecar applies to it is the identity) with pooling set to the one used here. Set attention_mask
    ([batch, tokens], 1 = real token) before a padded forward call. Responses arrive in request order and are
    collected in responses (and passed to on_response, on the reader thread). Use as a context manager or call
    start() and close(); close() returns the responses and re-raises a failed stream's grpc.RpcError.
    """

    def __init__(self, client, module, *, layer, pooling="last", probe_ids=(), explain=False, request_id_prefix="hook-",
                 output_index=0, on_response=None, timeout=None):
        pooling_value(pooling)  # rejects a bad name now rather than in the middle of a forward pass
        if pooling == "none":
            raise ValueError("ActivationHook pools the hidden states itself: use 'last', 'mean' or 'max'")
        self.client = client
        self.module = module
        self.layer = layer
        self.pooling = pooling
        self.probe_ids = list(probe_ids)
        self.explain = explain
        self.output_index = output_index
        self.on_response = on_response
        self.timeout = timeout
        self.attention_mask = None
        self.responses = []
        self.sent = 0
        self._prefix = request_id_prefix
        self._ids = itertools.count()
        self._queue = queue.Queue()
        self._handle = None
        self._reader = None
        self._error = None

    def start(self):
        """Opens the stream and installs the hook."""
        if self._handle is not None:
            raise RuntimeError("ActivationHook is already started")
        call = self.client.open_stream(self._requests(), timeout=self.timeout)
        self._reader = threading.Thread(target=self._read, args=(call,), name="probemonitor-responses", daemon=True)
        self._reader.start()
        self._handle = self.module.register_forward_hook(self._on_forward)
        return self

    def close(self, timeout=None):
        """Removes the hook, ends the stream once every sent request is answered, and returns the responses."""
        if self._handle is not None:
            self._handle.remove()
            self._handle = None
            self._queue.put(_END)
        if self._reader is not None:
            self._reader.join(timeout)
            if self._reader.is_alive():
                raise TimeoutError(f"the sidecar answered {len(self.responses)} of {self.sent} requests within {timeout} s")
            self._reader = None
        if self._error is not None:
            raise self._error
        return self.responses

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def _on_forward(self, module, inputs, output):
        hidden = output[self.output_index] if isinstance(output, (tuple, list)) else output
        pooled = pool_hidden_states(hidden, self.pooling, self.attention_mask).cpu()
        d_model = pooled.shape[1]
        for row in pooled:
            activations = pb.Activations(data=row.contiguous().numpy().astype("<f4", copy=False).tobytes(),
                                         dtype=pb.Activations.F32, shape=[1, d_model], layer=self.layer,
                                         pooling=pooling_value(self.pooling))
            self._queue.put(pb.ScoreRequest(request_id=f"{self._prefix}{next(self._ids)}", activations=activations,
                                            probe_ids=self.probe_ids, explain=self.explain))
            self.sent += 1

    def _requests(self):
        while True:
            item = self._queue.get()
            if item is _END:
                return
            yield item

    def _read(self, call):
        try:
            for response in call:
                self.responses.append(response)
                if self.on_response is not None:
                    self.on_response(response)
        except Exception as e:  # grpc.RpcError, or an on_response failure: either way close() must report it
            self._error = e
            call.cancel()
