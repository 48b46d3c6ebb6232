using System.Diagnostics;
using System.Globalization;
using ProbeMonitor.Kernels;
using ProbeMonitor.Model;

namespace ProbeMonitor.Benchmarks;

/// <summary>
/// `prefill`: forward-pass time of the Gemma-2 engine against an eager PyTorch 1.13 forward of the same random F32
/// checkpoint (Debian torch, 2 threads), on hidden 1024 / 12 layers / 8 heads / 4 KV heads / head_dim 128 /
/// intermediate 4096, batch 8 × 256 tokens; full depth and truncated at a middle layer. Engine and torch runs are
/// interleaved round by round so that both see the same load on a shared machine.
/// </summary>
public static class PrefillBenchmark
{
    /// <summary>Options: --rounds N (default 3, after one warm-up round), --batch N (8), --tokens N (256), --truncate-at L (5), --keep DIR.</summary>
    public static int Run(string[] args)
    {
        int rounds = 3, batch = 8, tokens = 256, truncateAt = 5;
        string? keep = null;
        for (int i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--rounds": rounds = Next(); break;
                case "--batch": batch = Next(); break;
                case "--tokens": tokens = Next(); break;
                case "--truncate-at": truncateAt = Next(); break;
                case "--keep": keep = args[++i]; break;
                default:
                    Console.Error.WriteLine($"prefill: unknown option '{args[i]}' (use --rounds, --batch, --tokens, --truncate-at, --keep DIR)");
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

            using var model = GemmaModel.Load(dir);
            _ = Gemm.BackendName; // load (and pin) OpenBLAS before the torch processes start, so the pinned core type is known
            using var torch = new PrefillTorchServer(dir, sequences, openBlasCoreType: null);
            using var pinned = OpenBlasGemm.PinnedCoreType is { } core ? new PrefillTorchServer(dir, sequences, core) : null;

            Console.WriteLine($"cores: {Environment.ProcessorCount}, GEMM back end: {Gemm.BackendName}"
                + (OpenBlasGemm.Instance is { } ob ? $" ({ob.CoreName}, {ob.Threads} threads)" : "")
                + $"; batch {batch} × {tokens} tokens; {rounds} interleaved rounds (median) after 1 warm-up round; load average before: {BenchmarkTimer.LoadAverage():0.00}");
            Console.WriteLine($"torch: {torch.Info}" + (pinned is null ? "" : $"; and {pinned.Info}"));

            var engineCheck = model.ResidualStream(sequences, [last], Pooling.Last).Get(last, 0);
            var torchCheck = torch.Forward(last, returnFirst: true).First!;

            var cases = new (string Name, int Upto, Pooling Pooling)[]
            {
                ($"layers 0..{last} (all {config.NumHiddenLayers}), every position", last, Pooling.None),
                ($"layers 0..{truncateAt} (truncated), every position", truncateAt, Pooling.None),
                ($"layers 0..{last}, last-token pooling (extract)", last, Pooling.Last),
                ($"layers 0..{truncateAt}, last-token pooling (extract)", truncateAt, Pooling.Last),
            };
            var engine = cases.Select(_ => new List<(double, double)>()).ToArray();
            var torchTimes = new Dictionary<int, List<(double, double)>>();
            var pinnedTimes = new Dictionary<int, List<(double, double)>>();
            for (int round = 0; round <= rounds; round++)
            {
                for (int c = 0; c < cases.Length; c++)
                {
                    var t = TimeEngine(() => model.ResidualStream(sequences, [cases[c].Upto], cases[c].Pooling));
                    if (round > 0) engine[c].Add(t);
                    if (cases[c].Pooling != Pooling.None) continue;
                    var tt = torch.Forward(cases[c].Upto);
                    var tp = pinned?.Forward(cases[c].Upto);
                    if (round == 0) continue;
                    Add(torchTimes, cases[c].Upto, (tt.WallMs, tt.CpuMs));
                    if (tp is { } p) Add(pinnedTimes, cases[c].Upto, (p.WallMs, p.CpuMs));
                }
                Console.Error.WriteLine($"prefill: round {round}/{rounds} done (load average {BenchmarkTimer.LoadAverage():0.00})");
            }

            long total = (long)batch * tokens;
            Console.WriteLine();
            Console.WriteLine("| forward | engine ms (cpu ms) | engine tok/s | torch ms (cpu ms) | engine/torch wall | engine/torch cpu |"
                + (pinned is null ? "" : $" torch {OpenBlasGemm.PinnedCoreType} ms (cpu ms) | engine/torch {OpenBlasGemm.PinnedCoreType} wall | cpu |"));
            Console.WriteLine("|---|---:|---:|---:|---:|---:|" + (pinned is null ? "" : "---:|---:|---:|"));
            for (int c = 0; c < cases.Length; c++)
            {
                var (ew, ec) = Medians(engine[c]);
                var (tw, tc) = Medians(torchTimes[cases[c].Upto]);
                string line = $"| {cases[c].Name} | {ew:0} ({ec:0}) | {total / (ew / 1000):0} | {tw:0} ({tc:0}) | {ew / tw:0.00} | {ec / tc:0.00} |";
                if (pinned is not null)
                {
                    var (pw, pc) = Medians(pinnedTimes[cases[c].Upto]);
                    line += $" {pw:0} ({pc:0}) | {ew / pw:0.00} | {ec / pc:0.00} |";
                }
                Console.WriteLine(line);
            }
            Console.WriteLine();
            Console.WriteLine($"torch rows for the last-token cases are its full forward (torch computes every position). "
                + $"resid_post[{last}], sequence 0, last token, engine vs torch: relative error {RelativeError(engineCheck, torchCheck):E2}; "
                + $"load average after: {BenchmarkTimer.LoadAverage():0.00}");
            return 0;
        }
        finally
        {
            if (keep is null && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static void Add(Dictionary<int, List<(double, double)>> times, int key, (double, double) value)
    {
        if (!times.TryGetValue(key, out var list)) times[key] = list = [];
        list.Add(value);
    }

    private static (double Wall, double Cpu) TimeEngine(Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        double wall = BenchmarkTimer.TimeOnce(action);
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalMilliseconds);
    }

    private static (double Wall, double Cpu) Medians(List<(double Wall, double Cpu)> samples) =>
        (BenchmarkTimer.Median(samples.Select(s => s.Wall).ToArray()), BenchmarkTimer.Median(samples.Select(s => s.Cpu).ToArray()));

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
}
