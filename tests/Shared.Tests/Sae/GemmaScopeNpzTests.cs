using System.Globalization;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Numpy;
using ProbeMonitor.Sae;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae;

public sealed class GemmaScopeNpzTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDir("pm-sae-npz");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteParams(int dIn, int dSae, Action<NpzWriter>? extra = null, Dictionary<string, (float[] Data, long[] Shape)>? replace = null)
    {
        var rng = new Random(7);
        var tensors = new Dictionary<string, (float[] Data, long[] Shape)>
        {
            ["W_enc"] = (SaeTestData.Gaussian(rng, dIn * dSae), [dIn, dSae]),
            ["W_dec"] = (SaeTestData.Gaussian(rng, dSae * dIn), [dSae, dIn]),
            ["b_enc"] = (SaeTestData.Gaussian(rng, dSae), [dSae]),
            ["b_dec"] = (SaeTestData.Gaussian(rng, dIn), [dIn]),
            ["threshold"] = (SaeTestData.Uniform(rng, dSae, 0, 1), [dSae]),
        };
        foreach (var (k, v) in replace ?? []) tensors[k] = v;
        var path = Path.Combine(_dir, $"params-{Guid.NewGuid():N}.npz");
        using (var w = NpzWriter.Create(path))
        {
            foreach (var (name, (data, shape)) in tensors)
                if (data.Length > 0) w.Add(name, data, shape);
            extra?.Invoke(w);
        }
        return path;
    }

    [Fact]
    public void Loads_every_tensor_as_a_jumprelu_sae_without_b_dec_subtraction()
    {
        var path = WriteParams(6, 10);
        var sae = GemmaScopeNpz.Load(path, "gemma-2-2b", "blocks.20.hook_resid_post", 20);
        Assert.Equal(SaeArchitecture.JumpRelu, sae.Config.Architecture);
        Assert.False(sae.Config.ApplyBDecToInput);
        Assert.Equal((6, 10), (sae.DIn, sae.DSae));
        Assert.Equal(("gemma-2-2b", "blocks.20.hook_resid_post", 20), (sae.Config.ModelName, sae.Config.HookName, sae.Config.HookLayer));
        using var npz = NpzArchive.Open(path);
        Assert.Equal(npz.Read("W_enc").ToSingles(), sae.WEnc.ToArray());
        Assert.Equal(npz.Read("W_dec").ToSingles(), sae.WDec.ToArray());
        Assert.Equal(npz.Read("threshold").ToSingles(), sae.Threshold.ToArray());
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        var path = WriteParams(4, 8, replace: new() { ["threshold"] = ([], []) });
        var ex = Assert.Throws<TensorFormatException>(() => GemmaScopeNpz.Load(path));
        Assert.Equal("threshold", ex.TensorName);
    }

    [Fact]
    public void Shape_disagreement_names_the_tensor_and_both_shapes()
    {
        var path = WriteParams(4, 8, replace: new() { ["W_dec"] = (new float[32], [4, 8]) });
        var ex = Assert.Throws<TensorFormatException>(() => GemmaScopeNpz.Load(path));
        Assert.Equal("W_dec", ex.TensorName);
        Assert.Contains("shape is [4, 8] but d_in = 4, d_sae = 8 make it [8, 4]", ex.Message);
    }

    [Fact]
    public void Nan_weight_is_named()
    {
        var bEnc = new float[8];
        bEnc[5] = float.NaN;
        var path = WriteParams(4, 8, replace: new() { ["b_enc"] = (bEnc, [8]) });
        var ex = Assert.Throws<TensorFormatException>(() => GemmaScopeNpz.Load(path));
        Assert.Equal("b_enc", ex.TensorName);
        Assert.Contains("element 5 (flat index) is NaN", ex.Message);
    }

    [Fact]
    public void Integer_tensor_is_refused()
    {
        var path = WriteParams(4, 8, replace: new() { ["b_dec"] = ([], []) }, extra: w => w.Add("b_dec", new long[4], 4));
        var ex = Assert.Throws<TensorFormatException>(() => GemmaScopeNpz.Load(path));
        Assert.Equal("b_dec", ex.TensorName);
        Assert.Contains("not a float type", ex.Message);
    }

    private const string NumpyScript = """
import sys, numpy as np
out = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read().strip()
rng = np.random.default_rng(1234)
d_in, d_sae, n = 48, 160, 9
W_enc = (rng.standard_normal((d_in, d_sae)) / np.sqrt(d_in)).astype(np.float32)
W_dec = (rng.standard_normal((d_sae, d_in)) / np.sqrt(d_sae)).astype(np.float32)
b_enc = (0.2 * rng.standard_normal(d_sae)).astype(np.float32)
b_dec = (0.5 * rng.standard_normal(d_in)).astype(np.float32)
threshold = rng.uniform(0.05, 0.6, d_sae).astype(np.float32)
np.savez(out + "/params.npz", W_enc=W_enc, W_dec=W_dec, b_enc=b_enc, b_dec=b_dec, threshold=threshold)
x = rng.standard_normal((n, d_in)).astype(np.float32)
np.savez(out + "/inputs.npz", x=x)
# Gemma Scope's JumpReLU: no b_dec subtraction; a latent fires only strictly above its threshold.
pre = x @ W_enc + b_enc
acts = (pre > threshold) * np.maximum(pre, 0)
recon = acts @ W_dec + b_dec
print(" ".join(repr(float(v)) for v in acts.astype(np.float32).ravel()))
print(" ".join(repr(float(v)) for v in recon.astype(np.float32).ravel()))
""";

    [PeerFact("python:numpy")]
    public void Numpy_written_params_load_and_reproduce_numpys_jumprelu_encode_and_decode()
    {
        var lines = Peers.RunPython(NumpyScript, _dir).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        float[] Parse(string line) => line.Split(' ').Select(s => (float)double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var npActs = Parse(lines[0]);
        var npRecon = Parse(lines[1]);

        var sae = GemmaScopeNpz.Load(Path.Combine(_dir, "params.npz"));
        Assert.Equal((48, 160), (sae.DIn, sae.DSae));
        using var inputs = NpzArchive.Open(Path.Combine(_dir, "inputs.npz"));
        var x = inputs.Read("x").ToSingles();
        int n = x.Length / 48;

        var acts = sae.Encode(x, n);
        for (int i = 0; i < acts.Length; i++)
        {
            Assert.True(npActs[i] == 0 == (acts[i] == 0), $"row {i / 160} latent {i % 160}: numpy {npActs[i]:R}, ours {acts[i]:R}");
            Assert.True(Math.Abs(npActs[i] - acts[i]) <= 1e-5 * (1 + Math.Abs(npActs[i])), $"acts[{i}]: numpy {npActs[i]:R}, ours {acts[i]:R}");
        }
        Assert.InRange(acts.Count(v => v != 0), n, acts.Length / 2);
        SaeTestData.AssertClose(npRecon, sae.Reconstruct(x, n), 1e-5, "reconstruction");
        SaeTestData.AssertClose(npRecon, sae.Decode(acts, n), 1e-5, "dense decode");
    }
}
