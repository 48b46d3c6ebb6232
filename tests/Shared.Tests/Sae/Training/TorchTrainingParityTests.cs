using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Sae;
using ProbeMonitor.Sae.Training;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae.Training;

/// <summary>
/// Several whole training steps (loss, gradients, radial projection, Adam, renormalisation, AuxK dead-latent masking)
/// against the same steps written in PyTorch with autograd in float64, from identical starting weights.
/// </summary>
/// <remarks>
/// The PyTorch side follows SAELens: dense topk + scatter, the decoder-norm-weighted L1, and custom autograd functions
/// for JumpReLU and the L0 step with the rectangle-kernel pseudo-derivatives of Rajamanoharan et al. (2024).
/// Every step uses the whole 64-row dataset, so batch order cannot differ.
/// </remarks>
public sealed class TorchTrainingParityTests
{
    private const int DIn = 16, Width = 32, Rows = 64, Steps = 8;

    [PeerTheory("python:torch")]
    [InlineData(SaeArchitecture.TopK)]
    [InlineData(SaeArchitecture.Relu)]
    [InlineData(SaeArchitecture.JumpRelu)]
    public void Training_steps_match_pytorch_autograd_and_adam(SaeArchitecture arch)
    {
        var rng = new Random(21);
        var x = new float[Rows * DIn];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(SaeInitializer.Gaussian(rng) + 0.3 * (i % DIn) / DIn);
        var options = new SaeTrainingOptions
        {
            Architecture = arch,
            Width = Width,
            K = arch == SaeArchitecture.TopK ? 2 : null, // few selections per step: some latents die within the 2-step window and AuxK engages
            SparsityCoefficient = arch switch { SaeArchitecture.Relu => 0.3, SaeArchitecture.JumpRelu => 0.2, _ => null },
            Steps = Steps,
            BatchSize = Rows,
            LearningRate = 5e-3,
            NormalizeInput = false,
            DecoderBiasInit = DecoderBiasInit.Mean,
            DeadWindowTokens = 2 * Rows,
            AuxK = 4,
            JumpReluBandwidth = 0.05,
            JumpReluInitialThreshold = 0.3,
            Seed = 2,
        };
        using var source = ActivationSource.FromArray(x, DIn);
        var trainer = new SaeTrainer(source, options);
        var start = trainer.Parameters.Clone();
        var losses = new double[Steps];
        bool auxUsed = false;
        for (int s = 0; s < Steps; s++)
        {
            var t = trainer.Step();
            losses[s] = t.Total;
            auxUsed |= t.Aux > 0;
        }
        if (arch == SaeArchitecture.TopK) Assert.True(auxUsed, "setup: AuxK should have been active in some step");

        var input = new Dictionary<string, object>
        {
            ["arch"] = arch.ToString(), ["d"] = DIn, ["w"] = Width, ["k"] = options.K ?? 0, ["lam"] = options.SparsityCoefficient ?? 0.0,
            ["lr"] = options.LearningRate, ["steps"] = Steps, ["window"] = options.DeadWindowTokens!.Value, ["auxk"] = 4, ["aux_coef"] = options.AuxKCoefficient,
            ["bw"] = options.JumpReluBandwidth, ["x"] = x, ["enc_rows"] = start.EncoderRows, ["dec"] = start.Decoder, ["b_enc"] = start.EncoderBias,
            ["b_dec"] = start.DecoderBias, ["log_t"] = start.LogThreshold,
        };
        using var doc = JsonDocument.Parse(Peers.RunPython(Script, JsonSerializer.Serialize(input)));
        var r = doc.RootElement;
        var torchLosses = r.GetProperty("losses").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int s = 0; s < Steps; s++)
            Assert.True(Math.Abs(losses[s] - torchLosses[s]) <= 1e-4 * Math.Abs(torchLosses[s]) + 1e-5,
                $"step {s + 1}: loss {losses[s]} vs torch {torchLosses[s]}; ours {string.Join(", ", losses)}; torch {string.Join(", ", torchLosses)}");
        var p = trainer.Parameters;
        AssertSameUpdate("W_enc", start.EncoderRows, p.EncoderRows, r.GetProperty("enc_rows"));
        AssertSameUpdate("W_dec", start.Decoder, p.Decoder, r.GetProperty("dec"));
        AssertSameUpdate("b_enc", start.EncoderBias, p.EncoderBias, r.GetProperty("b_enc"));
        AssertSameUpdate("b_dec", start.DecoderBias, p.DecoderBias, r.GetProperty("b_dec"));
        if (arch == SaeArchitecture.JumpRelu) AssertSameUpdate("log_threshold", start.LogThreshold, p.LogThreshold, r.GetProperty("log_t"));
    }

    /// <summary>The change over training agrees: ‖Δ_ours − Δ_torch‖ ≤ 1e-3·‖Δ_torch‖, and the change is not trivially small.</summary>
    private static void AssertSameUpdate(string name, float[] start, float[] ours, JsonElement torchFinal)
    {
        var theirs = torchFinal.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(start.Length, theirs.Length);
        double diff = 0, norm = 0;
        for (int i = 0; i < start.Length; i++)
        {
            double dt = theirs[i] - start[i], dc = (double)ours[i] - start[i];
            diff += (dc - dt) * (dc - dt);
            norm += dt * dt;
        }
        Assert.True(Math.Sqrt(norm) > 1e-3, $"{name}: torch barely moved it ({Math.Sqrt(norm)}), the comparison would be vacuous");
        double rel = Math.Sqrt(diff / norm);
        Assert.True(rel < 1e-3, string.Create(CultureInfo.InvariantCulture, $"{name}: update differs from torch's by {rel:E2} (relative)"));
    }

    private const string Script = """
import json, sys, torch
torch.set_num_threads(1)
c = json.load(sys.stdin)
T = lambda v, *shape: torch.tensor(v, dtype=torch.float64).reshape(*shape)
d, w, arch, bw = c["d"], c["w"], c["arch"], c["bw"]
x = T(c["x"], -1, d)
W_enc = T(c["enc_rows"], w, d).t().contiguous().requires_grad_()
W_dec = T(c["dec"], w, d).requires_grad_()
b_enc = T(c["b_enc"], w).requires_grad_()
b_dec = T(c["b_dec"], d).requires_grad_()
params = [W_enc, W_dec, b_enc, b_dec]
if arch == "JumpRelu":
    log_t = T(c["log_t"], w).requires_grad_()
    params.append(log_t)
opt = torch.optim.Adam(params, lr=c["lr"], betas=(0.9, 0.999), eps=1e-8)

def rect(u):
    return ((u > -0.5) & (u < 0.5)).to(u.dtype)

class JumpReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z, theta):
        ctx.save_for_backward(z, theta)
        return z * (z > theta).to(z.dtype)
    @staticmethod
    def backward(ctx, g):
        z, theta = ctx.saved_tensors
        return (z > theta).to(z.dtype) * g, (-(theta / bw) * rect((z - theta) / bw) * g).sum(0)

class Step(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z, theta):
        ctx.save_for_backward(z, theta)
        return (z > theta).to(z.dtype)
    @staticmethod
    def backward(ctx, g):
        z, theta = ctx.saved_tensors
        return torch.zeros_like(z), (-(1.0 / bw) * rect((z - theta) / bw) * g).sum(0)

since = torch.zeros(w, dtype=torch.float64)
losses = []
for step in range(c["steps"]):
    dead = since >= c["window"]
    sae_in = x - b_dec
    pre = sae_in @ W_enc + b_enc
    if arch == "TopK":
        top = pre.topk(c["k"], dim=-1)
        acts = torch.zeros_like(pre).scatter(-1, top.indices, torch.relu(top.values))
    elif arch == "Relu":
        acts = torch.relu(pre)
    else:
        theta = log_t.exp()
        acts = JumpReLU.apply(pre, theta)
    out = acts @ W_dec + b_dec
    loss = ((out - x) ** 2).sum(-1).mean()
    if arch == "Relu":
        loss = loss + c["lam"] * (acts * W_dec.norm(dim=1)).sum(-1).mean()
    if arch == "JumpRelu":
        loss = loss + c["lam"] * Step.apply(pre, theta).sum(-1).mean()
    if arch == "TopK" and c["aux_coef"] > 0 and bool(dead.any()):
        k_aux = min(c["auxk"], int(dead.sum()))
        masked = torch.where(dead[None, :], pre, torch.full_like(pre, float("-inf")))
        at = masked.topk(k_aux, dim=-1)
        aux_acts = torch.zeros_like(pre).scatter(-1, at.indices, torch.relu(at.values))
        residual = (x - out).detach()
        loss = loss + c["aux_coef"] * ((aux_acts @ W_dec - residual) ** 2).sum(-1).mean()
    fired = (acts > 0).any(0)
    since += x.shape[0]
    since[fired] = 0
    losses.append(loss.item())
    opt.zero_grad()
    loss.backward()
    with torch.no_grad():
        W_dec.grad.sub_((W_dec.grad * W_dec).sum(-1, keepdim=True) * W_dec)
    opt.step()
    with torch.no_grad():
        W_dec.div_(W_dec.norm(dim=-1, keepdim=True))
out = {"losses": losses, "enc_rows": W_enc.t().reshape(-1).tolist(), "dec": W_dec.reshape(-1).tolist(),
       "b_enc": b_enc.tolist(), "b_dec": b_dec.tolist()}
if arch == "JumpRelu":
    out["log_t"] = log_t.tolist()
print(json.dumps(out))
""";
}
