using System.Text.Json;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Shared.Tests.Model;

/// <summary>
/// An independent Gemma-2 forward pass in PyTorch (Debian's torch 1.13), written from HF's semantics: it reads the
/// safetensors file by hand (JSON header + numpy.frombuffer, bf16 as uint16 &lt;&lt; 16) and runs each sequence alone.
/// </summary>
internal static class TorchGemmaReference
{
    /// <summary>What the reference computed: resid_post per layer and sequence, logits per sequence, and how hard the caps bind.</summary>
    public sealed record Result(Dictionary<int, float[][]> Resid, float[][] Logits, double MaxScore, double MaxLogit);

    public static Result Run(string checkpointDir, IReadOnlyList<int[]> sequences, IReadOnlyList<int> layers)
    {
        var request = JsonSerializer.Serialize(new { dir = checkpointDir, layers, sequences });
        using var doc = JsonDocument.Parse(Peers.RunPython(Script, request));
        var root = doc.RootElement;
        var resid = new Dictionary<int, float[][]>();
        foreach (var layer in layers)
            resid[layer] = root.GetProperty("resid").GetProperty(layer.ToString()).EnumerateArray().Select(ToFloats).ToArray();
        var logits = root.GetProperty("logits").EnumerateArray().Select(ToFloats).ToArray();
        return new Result(resid, logits, root.GetProperty("max_score").GetDouble(), root.GetProperty("max_logit").GetDouble());
    }

    private static float[] ToFloats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    private const string Script = """
import json, math, struct, sys
import numpy as np
import torch

torch.set_num_threads(2)

def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = data[base + start:base + end]
        dt = info["dtype"]
        if dt == "F32":
            a = np.frombuffer(raw, dtype="<f4")
        elif dt == "BF16":
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif dt == "F16":
            a = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        else:
            raise ValueError(dt)
        out[name] = torch.from_numpy(np.array(a, dtype=np.float32).reshape(info["shape"]))
    return out

def rmsnorm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * (1.0 + w)

def forward(ids, W, cfg, stats):
    d, H, KV, hd = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"]
    eps, T = cfg["rms_norm_eps"], len(ids)
    window, cap = cfg.get("sliding_window"), cfg.get("attn_logit_softcapping")
    types = cfg.get("layer_types")
    x = W["model.embed_tokens.weight"][torch.tensor(ids)] * torch.tensor(math.sqrt(d), dtype=torch.float32)
    inv_freq = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd))
    angles = torch.arange(T).float()[:, None] * inv_freq[None, :]
    cos = torch.cat([angles.cos(), angles.cos()], -1)
    sin = torch.cat([angles.sin(), angles.sin()], -1)
    def rope(t):
        half = hd // 2
        rotated = torch.cat([-t[..., half:], t[..., :half]], -1)
        return t * cos + rotated * sin
    i = torch.arange(T)[:, None]
    j = torch.arange(T)[None, :]
    resid = []
    for L in range(cfg["num_hidden_layers"]):
        p = "model.layers.%d." % L
        sliding = (types[L] == "sliding_attention") if types else (L % 2 == 0)
        allowed = j <= i
        if sliding and window:
            allowed = allowed & ((i - j) < window)
        h = rmsnorm(x, W[p + "input_layernorm.weight"], eps)
        q = (h @ W[p + "self_attn.q_proj.weight"].T).view(T, H, hd).transpose(0, 1)
        k = (h @ W[p + "self_attn.k_proj.weight"].T).view(T, KV, hd).transpose(0, 1)
        v = (h @ W[p + "self_attn.v_proj.weight"].T).view(T, KV, hd).transpose(0, 1)
        q, k = rope(q), rope(k)
        k = k.repeat_interleave(H // KV, dim=0)
        v = v.repeat_interleave(H // KV, dim=0)
        s = (q @ k.transpose(1, 2)) * (cfg["query_pre_attn_scalar"] ** -0.5)
        stats["max_score"] = max(stats["max_score"], float(s.masked_fill(~allowed, 0).abs().max()))
        if cap:
            s = cap * torch.tanh(s / cap)
        s = s.masked_fill(~allowed, float("-inf"))
        o = (torch.softmax(s, -1) @ v).transpose(0, 1).reshape(T, H * hd)
        x = x + rmsnorm(o @ W[p + "self_attn.o_proj.weight"].T, W[p + "post_attention_layernorm.weight"], eps)
        h = rmsnorm(x, W[p + "pre_feedforward_layernorm.weight"], eps)
        g = torch.nn.functional.gelu(h @ W[p + "mlp.gate_proj.weight"].T, approximate="tanh")
        m = (g * (h @ W[p + "mlp.up_proj.weight"].T)) @ W[p + "mlp.down_proj.weight"].T
        x = x + rmsnorm(m, W[p + "post_feedforward_layernorm.weight"], eps)
        resid.append(x.clone())
    logits = rmsnorm(x, W["model.norm.weight"], eps) @ W["model.embed_tokens.weight"].T
    stats["max_logit"] = max(stats["max_logit"], float(logits.abs().max()))
    fcap = cfg.get("final_logit_softcapping")
    if fcap:
        logits = fcap * torch.tanh(logits / fcap)
    return resid, logits

request = json.load(sys.stdin)
cfg = json.load(open(request["dir"] + "/config.json"))
W = read_safetensors(request["dir"] + "/model.safetensors")
stats = {"max_score": 0.0, "max_logit": 0.0}
out = {"resid": {str(L): [] for L in request["layers"]}, "logits": []}
with torch.no_grad():
    for ids in request["sequences"]:
        resid, logits = forward(ids, W, cfg, stats)
        for L in request["layers"]:
            out["resid"][str(L)].append(resid[L].flatten().tolist())
        out["logits"].append(logits.flatten().tolist())
out.update(stats)
json.dump(out, sys.stdout)
""";
}
