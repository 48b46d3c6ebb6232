using System.Text.Json;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Numpy;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats.Numpy;

/// <summary>Debian's numpy is the reference: files it writes must read bit-exactly, and files we write must load in it.</summary>
public sealed class NumpyPeerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string WriteScript = """
        import sys, json, zipfile, numpy as np
        d = sys.stdin.read().strip()
        rng = np.random.default_rng(5)
        arrays = {
            'f4': rng.standard_normal((3, 5)).astype('<f4'),
            'f2': np.concatenate([rng.standard_normal(6), [np.inf, -np.inf, 6e-8, 65504, -0.0, np.nan]]).astype('<f2'),
            'i8': rng.integers(-2**62, 2**62, size=(2, 3), dtype='<i8'),
            'i4': rng.integers(-2**31, 2**31 - 1, size=(5,), dtype='<i4'),
            'u1': rng.integers(0, 256, size=(2, 2), dtype='u1'),
            'f8': rng.standard_normal(3) * 1e5,
            'scalar': np.array(2.5, dtype='<f4'),
            'empty': np.zeros((0, 3), dtype='<f4'),
        }
        out = {}
        for k, a in arrays.items():
            np.save(f'{d}/{k}.npy', a)
            out[k] = {'descr': a.dtype.str, 'shape': list(a.shape), 'hex': a.tobytes().hex(),
                      'f32': np.asarray(a, dtype='<f4').tobytes().hex()}
        for v in (2, 3):
            with open(f'{d}/v{v}.npy', 'wb') as f:
                np.lib.format.write_array(f, arrays['f4'], version=(v, 0))
        three = {k: arrays[k] for k in ('f4', 'f2', 'i8')}
        np.savez(f'{d}/stored.npz', **three)
        np.savez_compressed(f'{d}/deflated.npz', **three)
        np.save(f'{d}/fortran.npy', np.asfortranarray(rng.standard_normal((3, 4)).astype('<f4')))
        np.save(f'{d}/bigendian.npy', arrays['f4'].astype('>f4'))
        out['_zip'] = {n: [i.compress_type for i in zipfile.ZipFile(f'{d}/{n}.npz').infolist()] for n in ('stored', 'deflated')}
        out['_fortran'] = bool(np.load(f'{d}/fortran.npy').flags.f_contiguous)
        print(json.dumps(out))
        """;

    [PeerFact("python:numpy")]
    public void Files_numpy_writes_read_bit_exactly_and_fortran_or_big_endian_ones_are_refused()
    {
        using var doc = JsonDocument.Parse(Peers.RunPython(WriteScript, _dir.Path));
        var root = doc.RootElement;
        Assert.Equal([0, 0, 0], root.GetProperty("_zip").GetProperty("stored").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([8, 8, 8], root.GetProperty("_zip").GetProperty("deflated").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(root.GetProperty("_fortran").GetBoolean());

        foreach (var name in new[] { "f4", "f2", "i8", "i4", "u1", "f8", "scalar", "empty" })
        {
            using var stream = File.OpenRead(_dir.File(name + ".npy"));
            AssertMatches(NpyReader.Read(stream, name), root.GetProperty(name));
        }
        foreach (var version in new[] { "v2", "v3" })
        {
            using var stream = File.OpenRead(_dir.File(version + ".npy"));
            AssertMatches(NpyReader.Read(stream, version), root.GetProperty("f4"));
        }
        foreach (var archive in new[] { "stored", "deflated" })
        {
            using var npz = NpzArchive.Open(_dir.File(archive + ".npz"));
            Assert.Equal(["f4", "f2", "i8"], npz.Names);
            foreach (var name in npz.Names) AssertMatches(npz.Read(name), root.GetProperty(name));
        }

        using (var fortran = File.OpenRead(_dir.File("fortran.npy")))
            Assert.Contains("Fortran", Assert.Throws<TensorFormatException>(() => NpyReader.Read(fortran, "fortran")).Message);
        using (var big = File.OpenRead(_dir.File("bigendian.npy")))
            Assert.Contains("big-endian", Assert.Throws<TensorFormatException>(() => NpyReader.Read(big, "big")).Message);
    }

    private static void AssertMatches(NpyArray actual, JsonElement expected)
    {
        Assert.Equal(expected.GetProperty("descr").GetString(), actual.DTypeDescr);
        Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), actual.Shape);
        Assert.Equal(Convert.FromHexString(expected.GetProperty("hex").GetString()!), actual.Data);
        // numpy's own conversion to float32 (widening halves, rounding doubles and integers) must match bit for bit.
        var f32 = Convert.FromHexString(expected.GetProperty("f32").GetString()!);
        var ours = actual.ToSingles();
        Assert.Equal(f32, ours.SelectMany(BitConverter.GetBytes).ToArray());
    }

    private const string LoadScript = """
        import sys, json, numpy as np
        z = np.load(sys.stdin.read().strip())
        print(json.dumps({k: {'dtype': z[k].dtype.str, 'shape': list(z[k].shape), 'hex': z[k].tobytes().hex(),
                              'c_order': bool(z[k].flags.c_contiguous)} for k in z.files}))
        """;

    [PeerTheory("python:numpy")]
    [InlineData(false)]
    [InlineData(true)]
    public void A_Gemma_Scope_shaped_params_npz_we_write_loads_in_numpy(bool compressed)
    {
        // Gemma Scope's params.npz layout: W_enc [d_in, d_sae], W_dec [d_sae, d_in], b_enc [d_sae], b_dec [d_in], threshold [d_sae].
        const int dIn = 8, dSae = 32;
        var rng = new Random(3);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var arrays = new (string Name, float[] Data, long[] Shape)[]
        {
            ("W_enc", Random(dIn * dSae), [dIn, dSae]),
            ("W_dec", Random(dSae * dIn), [dSae, dIn]),
            ("b_enc", Random(dSae), [dSae]),
            ("b_dec", Random(dIn), [dIn]),
            ("threshold", Random(dSae).Select(Math.Abs).ToArray(), [dSae]),
        };
        var path = _dir.File("params.npz");
        using (var w = NpzWriter.Create(path, compressed))
            foreach (var (name, data, shape) in arrays) w.Add(name, data, shape);

        using var doc = JsonDocument.Parse(Peers.RunPython(LoadScript, path));
        Assert.Equal(arrays.Select(a => a.Name), doc.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var (name, data, shape) in arrays)
        {
            var loaded = doc.RootElement.GetProperty(name);
            Assert.Equal("<f4", loaded.GetProperty("dtype").GetString());
            Assert.Equal(shape, loaded.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            Assert.True(loaded.GetProperty("c_order").GetBoolean());
            Assert.Equal(data.SelectMany(BitConverter.GetBytes).ToArray(), Convert.FromHexString(loaded.GetProperty("hex").GetString()!));
        }
    }

    [PeerFact("python:numpy")]
    public void Npy_files_we_write_are_byte_identical_to_numpy_save()
    {
        float[] values = [1.5f, -2f, 0f, float.MaxValue, float.Epsilon, 3f];
        using var ms = new MemoryStream();
        NpyWriter.Write(ms, values, [2, 3]);
        NpyWriter.Write(ms, [1L, -2, long.MaxValue], [3]);
        var script = """
            import sys, io, numpy as np
            a = io.BytesIO(); np.save(a, np.array([1.5, -2, 0, np.finfo(np.float32).max, np.finfo(np.float32).smallest_subnormal, 3], dtype='<f4').reshape(2, 3))
            b = io.BytesIO(); np.save(b, np.array([1, -2, 2**63 - 1], dtype='<i8'))
            print((a.getvalue() + b.getvalue()).hex())
            """;
        Assert.Equal(Convert.ToHexString(ms.ToArray()).ToLowerInvariant(), Peers.RunPython(script).Trim());
    }
}
