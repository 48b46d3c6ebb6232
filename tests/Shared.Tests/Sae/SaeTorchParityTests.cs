using System.Globalization;
using System.Text;
using ProbeMonitor.Sae;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae;

/// <summary>JumpReLU and TopK encodes against PyTorch's own ops (torch.topk, scatter) on the same weights and inputs.</summary>
public sealed class SaeTorchParityTests
{
    /// <summary>Reads blocks of 8 lines (one case each) and prints two lines per case: acts, then reconstruction.</summary>
    private const string Script = """
import sys, torch
lines = sys.stdin.read().split("\n")
for start in range(0, len(lines) - 7, 8):
    block = lines[start:start + 8]
    arch, apply_b_dec, k = block[0].split()
    d_in, d_sae, n = map(int, block[1].split())
    def vec(i, shape):
        return torch.tensor([float(v) for v in block[i].split()], dtype=torch.float32).reshape(shape)
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

    private const int Rows = 6;
    private static readonly (string Arch, bool ApplyBDec)[] Cases = [("jumprelu", true), ("jumprelu", false), ("topk", true)];

    private static (SparseAutoencoder Sae, float[] X) Case(string arch, bool applyBDec)
    {
        var architecture = arch == "jumprelu" ? SaeArchitecture.JumpRelu : SaeArchitecture.TopK;
        var config = new SaeConfig(architecture, 32, 200) { K = architecture == SaeArchitecture.TopK ? 12 : null, ApplyBDecToInput = applyBDec };
        return (SaeTestData.Random(config, seed: 101), SaeTestData.Gaussian(new Random(77), Rows * config.DIn));
    }

    /// <summary>One Python run (torch takes seconds to import) answers every case.</summary>
    private static readonly Lazy<string[]> TorchOutput = new(() =>
    {
        var stdin = new StringBuilder();
        foreach (var (arch, applyBDec) in Cases)
        {
            var (sae, x) = Case(arch, applyBDec);
            stdin.Append(arch).Append(applyBDec ? " 1 " : " 0 ").Append(sae.Config.K ?? 0).Append('\n');
            stdin.Append($"{sae.DIn} {sae.DSae} {Rows}\n");
            foreach (var t in new[] { sae.WEnc.ToArray(), sae.WDec.ToArray(), sae.BEnc.ToArray(), sae.BDec.ToArray(), sae.Threshold.ToArray(), x })
                stdin.Append(string.Join(' ', t.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append('\n');
        }
        return Peers.RunPython(Script, stdin.ToString()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    });

    [PeerTheory("python:torch")]
    [InlineData("jumprelu", true)]
    [InlineData("jumprelu", false)]
    [InlineData("topk", true)]
    public void Encode_and_decode_match_torch(string arch, bool applyBDec)
    {
        var (sae, x) = Case(arch, applyBDec);
        var config = sae.Config;
        const int n = Rows;
        int index = Array.IndexOf(Cases, (arch, applyBDec));
        float[] Parse(string line) => line.Split(' ').Select(s => (float)double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var torchActs = Parse(TorchOutput.Value[2 * index]);
        var torchRecon = Parse(TorchOutput.Value[2 * index + 1]);

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
