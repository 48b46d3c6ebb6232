using System.Globalization;
using System.Text;
using ProbeMonitor.Sae;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae;

/// <summary>JumpReLU and TopK encodes against PyTorch's own ops (torch.topk, scatter) on the same weights and inputs.</summary>
public sealed class SaeTorchParityTests
{
    private const string Script = """
import sys, torch
lines = sys.stdin.read().split("\n")
arch, apply_b_dec, k = lines[0].split()
d_in, d_sae, n = map(int, lines[1].split())
def vec(i, shape):
    return torch.tensor([float(v) for v in lines[i].split()], dtype=torch.float32).reshape(shape)
W_enc, W_dec, b_enc, b_dec = vec(2, (d_in, d_sae)), vec(3, (d_sae, d_in)), vec(4, (d_sae,)), vec(5, (d_in,))
threshold = vec(6, (d_sae,)) if arch == "jumprelu" else None
x = vec(7, (n, d_in))
sae_in = x - b_dec if apply_b_dec == "1" else x
pre = sae_in @ W_enc + b_enc
if arch == "jumprelu":
    acts = torch.relu(pre) * (pre > threshold)
else:
    top = torch.topk(pre, k=int(k), dim=-1)
    acts = torch.zeros_like(pre).scatter_(-1, top.indices, torch.relu(top.values))
recon = acts @ W_dec + b_dec
print(" ".join(repr(float(v)) for v in acts.flatten().tolist()))
print(" ".join(repr(float(v)) for v in recon.flatten().tolist()))
""";

    [PeerTheory("python:torch")]
    [InlineData("jumprelu", true)]
    [InlineData("jumprelu", false)]
    [InlineData("topk", true)]
    public void Encode_and_decode_match_torch(string arch, bool applyBDec)
    {
        var architecture = arch == "jumprelu" ? SaeArchitecture.JumpRelu : SaeArchitecture.TopK;
        var config = new SaeConfig(architecture, 32, 200) { K = architecture == SaeArchitecture.TopK ? 12 : null, ApplyBDecToInput = applyBDec };
        var sae = SaeTestData.Random(config, seed: 101);
        const int n = 6;
        var x = SaeTestData.Gaussian(new Random(77), n * config.DIn);

        var stdin = new StringBuilder();
        stdin.Append(arch).Append(applyBDec ? " 1 " : " 0 ").Append(config.K ?? 0).Append('\n');
        stdin.Append($"{config.DIn} {config.DSae} {n}\n");
        foreach (var t in new[] { sae.WEnc.ToArray(), sae.WDec.ToArray(), sae.BEnc.ToArray(), sae.BDec.ToArray(), sae.Threshold.ToArray(), x })
            stdin.Append(string.Join(' ', t.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append('\n');

        var output = Peers.RunPython(Script, stdin.ToString()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        float[] Parse(string line) => line.Split(' ').Select(s => (float)double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var torchActs = Parse(output[0]);
        var torchRecon = Parse(output[1]);

        var acts = sae.Encode(x, n);
        Assert.Equal(torchActs.Length, acts.Length);
        for (int i = 0; i < acts.Length; i++)
        {
            Assert.True(torchActs[i] == 0 == (acts[i] == 0), $"latent {i % config.DSae} of row {i / config.DSae}: torch {torchActs[i]:R}, ours {acts[i]:R}");
            Assert.True(Math.Abs(torchActs[i] - acts[i]) <= 1e-5 * (1 + Math.Abs(torchActs[i])), $"acts[{i}]: torch {torchActs[i]:R}, ours {acts[i]:R}");
        }
        Assert.InRange(acts.Count(v => v != 0), n, acts.Length - 1);
        SaeTestData.AssertClose(torchRecon, sae.Reconstruct(x, n), 1e-5, "reconstruction");
    }
}
