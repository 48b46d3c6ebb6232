using ProbeMonitor.Formats.Safetensors;

namespace ProbeMonitor.Model;

/// <summary>Writes a randomly initialised Gemma-2 checkpoint in Hugging Face layout (config.json + model.safetensors).</summary>
/// <remarks>
/// Every tensor, norms included, is drawn from normal(0, initializer_range) with a generator of our own, so a seed gives
/// the same bytes on every machine and runtime. Random norm weights make (1 + w) differ from 1, which tests need.
/// </remarks>
public static class RandomCheckpoint
{
    /// <summary>Writes the checkpoint for <paramref name="config"/> into <paramref name="directory"/> (created if needed).</summary>
    public static void Write(GemmaConfig config, ulong seed, WeightPrecision precision, string directory)
    {
        Directory.CreateDirectory(directory);
        var rng = new NormalSampler(seed);
        float std = (float)config.InitializerRange;
        var tensors = new List<TensorToWrite>();
        foreach (var (name, shape) in GemmaWeights.ExpectedTensors(config))
        {
            var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
            for (int i = 0; i < data.Length; i++) data[i] = std * rng.Next();
            long[] dims = shape.Select(d => (long)d).ToArray();
            tensors.Add(precision switch
            {
                WeightPrecision.F32 => TensorToWrite.Singles(name, data, dims),
                WeightPrecision.BF16 => TensorToWrite.BFloat16(name, data, dims),
                _ => TensorToWrite.Half(name, data, dims),
            });
        }
        File.WriteAllText(Path.Combine(directory, "config.json"), config.ToJson());
        SafetensorsWriter.Write(Path.Combine(directory, GemmaCheckpoint.SingleFileName), tensors,
            new Dictionary<string, string> { ["format"] = "pt", ["generator"] = "probemonitor init-model", ["seed"] = seed.ToString() });
    }

    /// <summary>Standard normal draws from xoshiro256** (seeded through splitmix64) and the Marsaglia polar method.</summary>
    private sealed class NormalSampler
    {
        private ulong _s0, _s1, _s2, _s3;
        private float? _spare;

        public NormalSampler(ulong seed)
        {
            _s0 = SplitMix(ref seed); _s1 = SplitMix(ref seed); _s2 = SplitMix(ref seed); _s3 = SplitMix(ref seed);
        }

        public float Next()
        {
            if (_spare is { } spare) { _spare = null; return spare; }
            double u, v, s;
            do
            {
                u = 2.0 * Uniform() - 1.0;
                v = 2.0 * Uniform() - 1.0;
                s = u * u + v * v;
            } while (s >= 1.0 || s == 0.0);
            double f = Math.Sqrt(-2.0 * Math.Log(s) / s);
            _spare = (float)(v * f);
            return (float)(u * f);
        }

        private double Uniform() => (NextBits() >> 11) * (1.0 / (1UL << 53));

        private ulong NextBits()
        {
            ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }

        private static ulong SplitMix(ref ulong state)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
