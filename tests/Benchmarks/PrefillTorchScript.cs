namespace ProbeMonitor.Benchmarks;

/// <summary>The PyTorch peer of `prefill` and of `text-batching`'s ceiling: an eager, batched Gemma-2 forward in the style of HF's eager attention, served over stdin/stdout.</summary>
internal static class PrefillTorchScript
{
    public const string Source = """
import json, math, struct, sys, time
import numpy as np
import torch
import torch.nn.functional as F

req = json.loads(sys.stdin.readline())
torch.set_num_threads(req.get("threads", 2))
cfg = json.load(open(req["dir"] + "/config.json"))
with open(req["dir"] + "/model.safetensors", "rb") as f:
    data = f.read()
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n])
W = {}
for name, info in header.items():
    if name == "__metadata__":
        continue
    s, e = info["data_offsets"]
    assert info["dtype"] == "F32"
    W[name] = torch.from_numpy(np.frombuffer(data, dtype="<f4", count=(e - s) // 4, offset=8 + n + s).reshape(info["shape"]).copy())
del data

d, H, KV, hd = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"]
eps, window, cap = cfg["rms_norm_eps"], cfg["sliding_window"], cfg["attn_logit_softcapping"]
types = cfg.get("layer_types")
# Sequences may differ in length: a pass over several is right-padded with token 0, as a PyTorch serving stack batches.
# Under the causal mask no real position attends to the padding after it, and each sequence's own last row is read.
sequences = req["sequences"]
inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd))
neg = torch.finfo(torch.float32).min
tables = {}

def positions(T):
    if T not in tables:
        ang = torch.arange(T).float()[:, None] * inv_freq[None, :]
        i = torch.arange(T)[:, None]
        j = torch.arange(T)[None, :]
        tables[T] = (torch.cat([ang.cos(), ang.cos()], -1), torch.cat([ang.sin(), ang.sin()], -1),
                     torch.where(j <= i, 0.0, neg), torch.where((j <= i) & ((i - j) < window), 0.0, neg))
    return tables[T]

def norm(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * (1.0 + w)

def forward(upto, rows):
    lengths = [len(sequences[r]) for r in rows]
    B, T = len(rows), max(lengths)
    ids = torch.tensor([sequences[r] + [0] * (T - len(sequences[r])) for r in rows])
    cos, sin, causal, sliding_mask = positions(T)

    def rope(t):
        return t * cos + torch.cat([-t[..., hd // 2:], t[..., :hd // 2]], -1) * sin

    x = W["model.embed_tokens.weight"][ids] * torch.tensor(math.sqrt(d))
    for L in range(upto + 1):
        p = "model.layers.%d." % L
        sliding = (types[L] == "sliding_attention") if types else (L % 2 == 0)
        h = norm(x, W[p + "input_layernorm.weight"])
        q = F.linear(h, W[p + "self_attn.q_proj.weight"]).view(B, T, H, hd).transpose(1, 2)
        k = F.linear(h, W[p + "self_attn.k_proj.weight"]).view(B, T, KV, hd).transpose(1, 2)
        v = F.linear(h, W[p + "self_attn.v_proj.weight"]).view(B, T, KV, hd).transpose(1, 2)
        q, k = rope(q), rope(k)
        k = k.repeat_interleave(H // KV, dim=1)
        v = v.repeat_interleave(H // KV, dim=1)
        s = torch.matmul(q, k.transpose(2, 3)) * cfg["query_pre_attn_scalar"] ** -0.5
        if cap:
            s = torch.tanh(s / cap) * cap
        s = s + (sliding_mask if sliding and window else causal)
        o = torch.matmul(torch.softmax(s, -1), v).transpose(1, 2).reshape(B, T, H * hd)
        x = x + norm(F.linear(o, W[p + "self_attn.o_proj.weight"]), W[p + "post_attention_layernorm.weight"])
        h = norm(x, W[p + "pre_feedforward_layernorm.weight"])
        g = F.gelu(F.linear(h, W[p + "mlp.gate_proj.weight"]), approximate="tanh") * F.linear(h, W[p + "mlp.up_proj.weight"])
        x = x + norm(F.linear(g, W[p + "mlp.down_proj.weight"]), W[p + "post_feedforward_layernorm.weight"])
    return x[torch.arange(B), torch.tensor(lengths) - 1, :]

# A server, so the C# side can interleave torch and engine runs and both see the same machine load.
print(json.dumps({"ready": True, "info": "torch %s, %d threads, OPENBLAS_CORETYPE=%s" % (
    torch.__version__, torch.get_num_threads(), __import__("os").environ.get("OPENBLAS_CORETYPE", "(unset)"))}), flush=True)
with torch.no_grad():
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "quit":
            break
        wall, cpu = time.perf_counter(), time.process_time()
        out = forward(cmd["upto"], cmd.get("rows", range(len(sequences))))
        reply = {"ms": (time.perf_counter() - wall) * 1000, "cpu_ms": (time.process_time() - cpu) * 1000}
        if cmd.get("return_first"):
            reply["first"] = out[0].tolist()
        print(json.dumps(reply), flush=True)
""";
}
