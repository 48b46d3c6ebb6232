"""Turning hidden states into the wire form of probemonitor.v1.Activations, and pooling them over tokens."""

from ._protos import pb

_POOLING = {
    "last": pb.Activations.LAST,
    "mean": pb.Activations.MEAN,
    "max": pb.Activations.MAX,
    "none": pb.Activations.NONE,
}
_DTYPE = {"f32": pb.Activations.F32, "bf16": pb.Activations.BF16, "f16": pb.Activations.F16}


def pooling_value(pooling):
    """The Activations.Pooling enum value for "last", "mean", "max" or "none"."""
    try:
        return _POOLING[pooling]
    except KeyError:
        raise ValueError(f"pooling must be one of {sorted(_POOLING)}, not {pooling!r}") from None


def encode_activations(values, *, layer, pooling=None, dtype="f32"):
    """Builds an Activations message from a torch tensor or numpy array of shape [tokens, d_model] or [d_model].

    The data is little-endian and row-major. dtype "f32" converts to float32 (exact for bf16/f16 inputs); "bf16" and
    "f16" keep half-width elements and need a torch tensor (bf16) or any float input (f16). pooling defaults to "none"
    for a single vector and "last" for a token matrix.
    """
    if dtype not in _DTYPE:
        raise ValueError(f"dtype must be one of {sorted(_DTYPE)}, not {dtype!r}")
    data, shape = _to_bytes(values, dtype)
    if len(shape) not in (1, 2) or 0 in shape:
        raise ValueError(f"activations must have shape [tokens, d_model] or [d_model] with no empty dimension, got {list(shape)}")
    if pooling is None:
        pooling = "none" if len(shape) == 1 else "last"
    if pooling == "none" and len(shape) == 2 and shape[0] != 1:
        raise ValueError(f"pooling 'none' means one already pooled vector, but the activations have {shape[0]} tokens")
    if not isinstance(layer, int) or layer < 0:
        raise ValueError(f"layer must be a non-negative int, not {layer!r}")
    return pb.Activations(data=data, dtype=_DTYPE[dtype], shape=list(shape), layer=layer, pooling=pooling_value(pooling))


def _to_bytes(values, dtype):
    if _is_torch(values):
        import torch

        t = values.detach().cpu().contiguous()
        if dtype == "bf16":
            # numpy has no bfloat16: ship the raw 16-bit patterns.
            return _le(t.to(torch.bfloat16).view(torch.int16).numpy(), "<i2"), tuple(t.shape)
        if dtype == "f16":
            return _le(t.to(torch.float16).numpy(), "<f2"), tuple(t.shape)
        return _le(t.to(torch.float32).numpy(), "<f4"), tuple(t.shape)
    import numpy as np

    a = np.asarray(values)
    if a.dtype.kind not in "fiu":
        raise ValueError(f"activations must be numeric, got dtype {a.dtype}")
    if dtype == "bf16":
        raise ValueError("dtype 'bf16' needs a torch tensor (numpy has no bfloat16); use 'f32' or 'f16' for numpy arrays")
    return _le(a, "<f2" if dtype == "f16" else "<f4"), a.shape


def _le(array, wire_dtype):
    import numpy as np

    return np.ascontiguousarray(array, dtype=wire_dtype).tobytes()


def _is_torch(values):
    return type(values).__module__.startswith("torch")


def pool_hidden_states(hidden, pooling, attention_mask=None):
    """Pools a hidden-state tensor [batch, tokens, d] (or [tokens, d]) over its tokens to float32 [batch, d].

    With an attention mask [batch, tokens] (1 = real token) padding is ignored, on either side: "last" takes the last
    real token, "mean" averages the real tokens, "max" takes the element-wise maximum over them.
    """
    import torch

    h = hidden.detach()
    if h.dim() == 2:
        h = h.unsqueeze(0)
        if attention_mask is not None and attention_mask.dim() == 1:
            attention_mask = attention_mask.unsqueeze(0)
    if h.dim() != 3:
        raise ValueError(f"hidden states must be [batch, tokens, d] or [tokens, d], got shape {list(hidden.shape)}")
    batch, tokens, _ = h.shape
    h = h.to(torch.float32)
    if attention_mask is None:
        mask = torch.ones(batch, tokens, dtype=torch.bool, device=h.device)
    else:
        mask = attention_mask.to(h.device) != 0
        if tuple(mask.shape) != (batch, tokens):
            raise ValueError(f"attention mask has shape {list(mask.shape)}, hidden states need [{batch}, {tokens}]")
        empty = (~mask.any(dim=1)).nonzero().flatten().tolist()
        if empty:
            raise ValueError(f"attention mask has no real token in sequence(s) {empty}")
    if pooling == "last":
        # The highest position that is a real token; right and left padding alike.
        positions = torch.arange(1, tokens + 1, device=h.device).expand(batch, tokens) * mask
        index = positions.argmax(dim=1)
        return h[torch.arange(batch, device=h.device), index]
    if pooling == "mean":
        m = mask.unsqueeze(-1).to(h.dtype)
        return (h * m).sum(dim=1) / m.sum(dim=1)
    if pooling == "max":
        return h.masked_fill(~mask.unsqueeze(-1), float("-inf")).amax(dim=1)
    raise ValueError(f"pooling must be 'last', 'mean' or 'max', not {pooling!r}")
