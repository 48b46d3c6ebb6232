using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Kernels;
using ProbeMonitor.Model;

namespace ProbeMonitor.Benchmarks;

/// <summary>
/// `prefill`: forward-pass throughput of the Gemma-2 engine against an eager PyTorch 1.13 forward of the same random
/// checkpoint (Debian torch, 2 threads), on hidden 1024 / 12 layers / 8 heads / 4 KV heads / head_dim 128 /
/// intermediate 4096, batch 8 × 256 tokens; full depth and truncated at a middle layer.
/// </summary>
public static class PrefillBenchmark
{
    private const string DebianPython = "/usr/bin/python3";

    /// <summary>Options: --runs N (default 3), --warmup N (default 1), --batch N (8), --tokens N (256), --truncate-at L (5), --keep DIR.</summary>
    public static int Run(string[] args)
    {
        int runs = 3, warmup = 1, batch = 8, tokens = 256, truncateAt = 5;
        string? keep = null;
        for (int i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--runs": runs = Next(); break;
                case "--warmup": warmup = Next(); break;
                case "--batch": batch = Next(); break;
                case "--tokens": tokens = Next(); break;
                case "--truncate-at": truncateAt = Next(); break;
                case "--keep": keep = args[++i]; break;
                default:
                    Console.Error.WriteLine($"prefill: unknown option '{args[i]}' (use --runs, --warmup, --batch, --tokens, --truncate-at, --keep DIR)");
                    return 2;
            }
        }

        var config = new GemmaConfig
        {
            VocabSize = 32768, HiddenSize = 1024, IntermediateSize = 4096, NumHiddenLayers = 12,
            NumAttentionHeads = 8, NumKeyValueHeads = 4, HeadDim = 128, QueryPreAttnScalar = 128,
            SlidingWindow = 4096, SlidingLayers = Enumerable.Range(0, 12).Select(i => i % 2 == 0).ToArray(),
            AttnLogitSoftcapping = 50.0, FinalLogitSoftcapping = 30.0, MaxPositionEmbeddings = 8192,
        };
        string dir = keep ?? Path.Combine(Path.GetTempPath(), $"pm-prefill-{Guid.NewGuid():N}");
        try
        {
            if (!File.Exists(Path.Combine(dir, "model.safetensors")))
                RandomCheckpoint.Write(config, 1234, WeightPrecision.F32, dir);
            var rng = new Random(99);
            int[][] sequences = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, tokens).Select(_ => rng.Next(config.VocabSize)).ToArray()).ToArray();
            int last = config.NumHiddenLayers - 1;

            double loadBefore = BenchmarkTimer.LoadAverage();
            Console.WriteLine($"cores: {Environment.ProcessorCount}, GEMM back end: {Gemm.BackendName}"
                + (OpenBlasGemm.Instance is { } ob ? $" ({ob.CoreName}, {ob.Threads} threads)" : "")
                + $", batch {batch} × {tokens} tokens, runs: {runs} (median) after {warmup} warm-up, load average before: {loadBefore:0.00}");

            float[] engineLast;
            double engineFull, engineTrunc;
            using (var model = GemmaModel.Load(dir))
            {
                engineLast = model.ResidualStream(sequences, [last], Pooling.Last).Get(last, 0);
                engineFull = Time(() => model.ResidualStream(sequences, [last], Pooling.Last), runs, warmup);
                engineTrunc = Time(() => model.ResidualStream(sequences, [truncateAt], Pooling.Last), runs, warmup);
            }

            var torch = RunTorch(dir, sequences, last, truncateAt, runs, warmup, pinCore: null);
            var torchPinned = OpenBlasGemm.PinnedCoreType is { } core ? RunTorch(dir, sequences, last, truncateAt, runs, warmup, core) : null;
            double loadAfter = BenchmarkTimer.LoadAverage();

            double err = RelativeError(engineLast, torch.LastResid);
            long total = (long)batch * tokens;
            Console.WriteLine();
            Console.WriteLine("| forward | engine ms | engine tok/s | torch ms | torch tok/s | engine/torch time |"
                + (torchPinned is null ? "" : $" torch ({OpenBlasGemm.PinnedCoreType}) ms | engine/torch ({OpenBlasGemm.PinnedCoreType}) |"));
            Console.WriteLine("|---|---:|---:|---:|---:|---:|" + (torchPinned is null ? "" : "---:|---:|"));
            void Line(string name, double e, double t, double? tp) =>
                Console.WriteLine($"| {name} | {e:0} | {total / (e / 1000):0} | {t:0} | {total / (t / 1000):0} | {e / t:0.00} |"
                    + (tp is { } p ? $" {p:0} | {e / p:0.00} |" : ""));
            Line($"layers 0..{last} (all {config.NumHiddenLayers})", engineFull, torch.FullMs, torchPinned?.FullMs);
            Line($"layers 0..{truncateAt} (truncated)", engineTrunc, torch.TruncMs, torchPinned?.TruncMs);
            Console.WriteLine();
            Console.WriteLine($"torch: {torch.Info}; resid_post[{last}] of sequence 0, last token, engine vs torch: relative error {err:E2}; load average after: {loadAfter:0.00}");
            return 0;
        }
        finally
        {
            if (keep is null) Directory.Delete(dir, recursive: true);
        }
    }

    private static double Time(Action action, int runs, int warmup)
    {
        for (int i = 0; i < warmup; i++) action();
        return BenchmarkTimer.Median(Enumerable.Range(0, runs).Select(_ => BenchmarkTimer.TimeOnce(action)).ToArray());
    }

    private static double RelativeError(float[] a, float[] b)
    {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs(b[i]));
        }
        return diff / scale;
    }

    private sealed record TorchResult(double FullMs, double TruncMs, float[] LastResid, string Info);

    private static TorchResult RunTorch(string dir, int[][] sequences, int last, int truncateAt, int runs, int warmup, string? pinCore)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(DebianPython)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(PrefillTorchScript.Source);
        psi.Environment["OMP_NUM_THREADS"] = "2";
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        if (pinCore is not null) psi.Environment["OPENBLAS_CORETYPE"] = pinCore;
        using var p = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException("cannot start python3");
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(JsonSerializer.Serialize(new { dir, sequences, last, truncate_at = truncateAt, runs, warmup }));
        p.StandardInput.Close();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"torch reference failed:\n{stderr.Result}");
        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        return new TorchResult(r.GetProperty("full_ms").GetDouble(), r.GetProperty("trunc_ms").GetDouble(),
            r.GetProperty("last_resid").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(), r.GetProperty("info").GetString()!);
    }
}
