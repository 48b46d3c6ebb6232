using System.Text.Json;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats.Safetensors;

/// <summary>A plain Python parser (json + struct + numpy.frombuffer, no safetensors package) checks our files and writes files for us.</summary>
public sealed class SafetensorsPeerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string ParseScript = """
        import sys, json, struct, numpy as np
        req = json.loads(sys.stdin.read())
        raw = open(req['path'], 'rb').read()
        (n,) = struct.unpack('<Q', raw[:8])
        header = json.loads(raw[8:8 + n].decode('utf-8'))
        data = raw[8 + n:]
        facts = {'aligned': (8 + n) % 8 == 0, 'padding_is_spaces': raw[8:8 + n].decode().rstrip(' ').endswith('}'),
                 'metadata': header.pop('__metadata__', {}), 'order': list(header.keys())}
        kinds = {'F32': '<f4', 'F16': '<f2', 'BF16': '<u2', 'I64': '<i8', 'I32': '<i4'}

        def bf16_nearest(x32):
            # Nearest bfloat16 by comparing distances in float64, ties to even: a different route from the bit trick.
            bits = x32.view(np.uint32).astype(np.uint64)
            lo = bits & 0xFFFF0000
            hi = lo + 0x10000
            as_f64 = lambda b: b.astype(np.uint32).view(np.float32).astype(np.float64)
            x = x32.astype(np.float64)
            dlo, dhi = np.abs(x - as_f64(lo)), np.abs(as_f64(hi) - x)
            pick_hi = (dhi < dlo) | ((dhi == dlo) & (((lo >> 16) & 1) == 1))
            return np.where(pick_hi, hi >> 16, lo >> 16).astype(np.uint16)

        end = 0
        results = {}
        for name in facts['order']:
            t = header[name]
            b, e = t['data_offsets']
            contiguous = b == end
            end = e
            arr = np.frombuffer(data[b:e], dtype=kinds[t['dtype']]).reshape(t['shape'])
            src = req['sources'][name]
            if t['dtype'] == 'I64':
                expected = np.array(src, dtype='<i8')
            else:
                f32 = np.frombuffer(bytes.fromhex(src), dtype='<f4')
                expected = {'F32': lambda: f32, 'F16': lambda: f32.astype('<f2'), 'BF16': lambda: bf16_nearest(f32)}[t['dtype']]()
            results[name] = {'dtype': t['dtype'], 'shape': t['shape'], 'contiguous': contiguous,
                             'equal': arr.tobytes() == expected.reshape(t['shape']).tobytes()}
        facts['tensors'] = results
        facts['data_fully_used'] = end == len(data)
        print(json.dumps(facts))
        """;

    [PeerFact("python:numpy")]
    public void A_file_we_write_parses_in_plain_python_with_the_expected_values()
    {
        var rng = new Random(8);
        float[] Normal(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        // Exact bfloat16 ties (1 + 2^-8, 1 + 3·2^-8) and half-precision edge values ride along with random data.
        var bf = Normal(20).Concat([1f + 1f / 256, 1f + 3f / 256, -(1f + 1f / 256), 0f, -0f]).ToArray();
        var half = Normal(20).Concat([65504f, 70000f, 6e-8f, 1e-9f, -0f]).ToArray();
        var f32 = Normal(12);
        long[] ints = [long.MinValue, -1, 0, long.MaxValue];
        var path = _dir.File("ours.safetensors");
        SafetensorsWriter.Write(path,
        [
            TensorToWrite.Singles("w", f32, 3, 4),
            TensorToWrite.BFloat16("bf", bf, 5, 5),
            TensorToWrite.Half("half", half, 25),
            TensorToWrite.Int64("ints", ints, 2, 2),
            TensorToWrite.Singles("scalar", [7f]),
            TensorToWrite.Singles("empty", [], 0),
        ], new Dictionary<string, string> { ["format"] = "pt", ["source"] = "ProbeMonitor" });

        static string Hex(float[] v) => Convert.ToHexString(v.SelectMany(BitConverter.GetBytes).ToArray());
        var request = JsonSerializer.Serialize(new
        {
            path,
            sources = new Dictionary<string, object>
            {
                ["w"] = Hex(f32), ["bf"] = Hex(bf), ["half"] = Hex(half), ["ints"] = ints, ["scalar"] = Hex([7f]), ["empty"] = "",
            },
        });
        using var doc = JsonDocument.Parse(Peers.RunPython(ParseScript, request));
        var root = doc.RootElement;
        Assert.True(root.GetProperty("aligned").GetBoolean());
        Assert.True(root.GetProperty("padding_is_spaces").GetBoolean());
        Assert.True(root.GetProperty("data_fully_used").GetBoolean());
        Assert.Equal("ProbeMonitor", root.GetProperty("metadata").GetProperty("source").GetString());
        Assert.Equal(["w", "bf", "half", "ints", "scalar", "empty"], root.GetProperty("order").EnumerateArray().Select(e => e.GetString()));
        foreach (var t in root.GetProperty("tensors").EnumerateObject())
        {
            Assert.True(t.Value.GetProperty("contiguous").GetBoolean(), t.Name);
            Assert.True(t.Value.GetProperty("equal").GetBoolean(), $"tensor {t.Name} differs from numpy's expectation");
        }
        Assert.Empty(root.GetProperty("tensors").GetProperty("scalar").GetProperty("shape").EnumerateArray());
    }

    private const string WriteScript = """
        import sys, json, struct, numpy as np
        d = sys.stdin.read().strip()
        rng = np.random.default_rng(17)
        f32 = rng.standard_normal((4, 3)).astype('<f4')
        f16 = rng.standard_normal(7).astype('<f2')
        bf_src = rng.standard_normal((2, 5)).astype('<f4')
        bf16 = (bf_src.view(np.uint32) >> 16).astype('<u2')  # truncation: any bit pattern is a valid bfloat16
        i64 = rng.integers(-2**60, 2**60, size=4, dtype='<i8')
        i32 = rng.integers(-2**31, 2**31 - 1, size=(2, 2), dtype='<i4')
        tensors = [('f32', 'F32', f32), ('f16', 'F16', f16), ('bf16', 'BF16', bf16), ('i64', 'I64', i64),
                   ('i32', 'I32', i32), ('scalar', 'F32', np.array(1.25, dtype='<f4')), ('empty', 'F32', np.zeros((2, 0), '<f4'))]
        expected = {}
        for aligned in (True, False):
            header, blobs, offset = {'__metadata__': {'written_by': 'python'}}, [], 0
            for name, dt, a in reversed(tensors):  # header keys in another order than the data
                header[name] = None
            for name, dt, a in tensors:
                b = a.tobytes()
                header[name] = {'dtype': dt, 'shape': list(a.shape), 'data_offsets': [offset, offset + len(b)]}
                blobs.append(b)
                offset += len(b)
            h = json.dumps(header).encode('utf-8')
            if aligned:
                h += b' ' * ((8 - (8 + len(h)) % 8) % 8)
            with open(f"{d}/{'aligned' if aligned else 'unaligned'}.safetensors", 'wb') as f:
                f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
        for name, dt, a in tensors:
            if dt == 'BF16':
                widened = (a.astype(np.uint32) << 16).view('<f4')
            else:
                widened = a.astype('<f4')
            expected[name] = {'shape': list(a.shape), 'raw': a.tobytes().hex(), 'f32': widened.tobytes().hex(),
                              'ints': a.astype(np.int64).ravel().tolist() if dt.startswith('I') else None}
        print(json.dumps(expected))
        """;

    [PeerFact("python:numpy")]
    public void Files_written_by_hand_in_python_read_bit_exactly()
    {
        using var doc = JsonDocument.Parse(Peers.RunPython(WriteScript, _dir.Path));
        foreach (var variant in new[] { "aligned", "unaligned" })
        {
            using var file = SafetensorsFile.Open(_dir.File(variant + ".safetensors"));
            Assert.Equal("python", file.Metadata["written_by"]);
            Assert.Equal(["f32", "f16", "bf16", "i64", "i32", "scalar", "empty"], file.Tensors.Select(t => t.Name));
            foreach (var t in doc.RootElement.EnumerateObject())
            {
                var expected = t.Value;
                Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), file.GetInfo(t.Name).Shape);
                Assert.Equal(Convert.FromHexString(expected.GetProperty("raw").GetString()!), file.GetBytes(t.Name).ToArray());
                var widened = file.ReadSingles(t.Name).SelectMany(BitConverter.GetBytes).ToArray();
                Assert.Equal(Convert.FromHexString(expected.GetProperty("f32").GetString()!), widened);
                if (expected.GetProperty("ints").ValueKind == JsonValueKind.Array)
                    Assert.Equal(expected.GetProperty("ints").EnumerateArray().Select(e => e.GetInt64()), file.ReadInt64(t.Name));
            }
            Assert.Equal(DType.BF16, file.GetInfo("bf16").DType);
            Assert.Equal(10, file.GetHalfBits("bf16").Length);
        }
    }
}
