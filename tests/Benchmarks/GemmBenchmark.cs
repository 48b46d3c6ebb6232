using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Benchmarks;

/// <summary>
/// `gemm`: times every non-naive back end on 1024³ and on the Gemma-2-2B MLP up-projection for 16 tokens
/// (M=16, K=2304, N=9216), in both layouts plus bfloat16 weights, interleaving back ends run by run.
/// </summary>
public static class GemmBenchmark
{
    private sealed record Case(string Shape, string Layout, int M, int N, int K);

    private sealed record Row(Case Case, string Backend, double MedianMs, double BestMs, double GFlops, double? RatioToOpenBlas, double? BestRatioToOpenBlas);

    private static readonly Case[] Cases =
    [
        new("1024x1024x1024", "A·Bᵀ", 1024, 1024, 1024),
        new("1024x1024x1024", "A·B", 1024, 1024, 1024),
        new("M16 K2304 N9216", "A·Bᵀ", 16, 9216, 2304),
        new("M16 K2304 N9216", "A·B", 16, 9216, 2304),
        new("M16 K2304 N9216", "A·Bᵀ bf16", 16, 9216, 2304),
    ];

    /// <summary>Options: --runs N (default 15), --warmup N (default 3), --out FILE (JSON copy of the table).</summary>
    /// <remarks>The best run is printed beside the median: on a shared machine it is the closer estimate of uncontended speed.</remarks>
    public static int Run(string[] args)
    {
        int runs = 15, warmup = 3;
        string? outPath = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--out": outPath = args[++i]; break;
                default:
                    Console.Error.WriteLine($"gemm: unknown option '{args[i]}' (use --runs N, --warmup N, --out FILE)");
                    return 2;
            }
        }

        var backends = Gemm.Backends.Where(b => b.Name != "naive").ToArray();
        double loadBefore = BenchmarkTimer.LoadAverage();
        Console.WriteLine($"cores: {Environment.ProcessorCount}, managed SIMD: {ManagedGemm.BestLevel}, "
            + $"OpenBLAS: {(OpenBlasGemm.Instance is { } ob ? $"{ob.LibraryName}, {ob.Threads} threads" : "absent")}, "
            + $"runs: {runs} (median), warm-up: {warmup}, load average before: {loadBefore:0.00}");

        var rows = new List<Row>();
        foreach (var c in Cases) rows.AddRange(Measure(c, backends, runs, warmup));
        double loadAfter = BenchmarkTimer.LoadAverage();

        Console.WriteLine();
        Console.WriteLine("| shape | layout | backend | median ms | GFLOP/s | managed/OpenBLAS | best ms | best-run ratio |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            Console.WriteLine($"| {r.Case.Shape} | {r.Case.Layout} | {r.Backend} | {r.MedianMs:0.000} | {r.GFlops:0.0} | "
                + (r.RatioToOpenBlas is { } ratio ? $"{ratio:0.00}" : "") + $" | {r.BestMs:0.000} | "
                + (r.BestRatioToOpenBlas is { } best ? $"{best:0.00}" : "") + " |");
        Console.WriteLine();
        Console.WriteLine($"load average after: {loadAfter:0.00}");

        if (outPath is not null) WriteJson(outPath, rows, runs, loadBefore, loadAfter);
        return 0;
    }

    private static IEnumerable<Row> Measure(Case c, IGemmBackend[] backends, int runs, int warmup)
    {
        var random = new Random(1234);
        var a = RandomFloats(random, c.M * c.K);
        var b = RandomFloats(random, c.N * c.K);
        var bBits = c.Layout.EndsWith("bf16", StringComparison.Ordinal)
            ? b.Select(FloatConversion.SingleToBFloat16).ToArray()
            : null;
        var output = new float[c.M * c.N];
        Action Call(IGemmBackend backend) => c.Layout switch
        {
            "A·Bᵀ" => () => backend.MultiplyTransposedB(a, b, output, c.M, c.N, c.K),
            "A·B" => () => backend.Multiply(a, b, output, c.M, c.N, c.K),
            _ => () => backend.MultiplyTransposedB(a, bBits, HalfKind.BFloat16, output, c.M, c.N, c.K),
        };

        var calls = backends.Select(Call).ToArray();
        var samples = backends.Select(_ => new List<double>()).ToArray();
        for (int w = 0; w < warmup; w++)
            foreach (var call in calls) call();
        for (int r = 0; r < runs; r++)
            for (int i = 0; i < calls.Length; i++) samples[i].Add(BenchmarkTimer.TimeOnce(calls[i]));

        double flops = 2.0 * c.M * c.N * c.K;
        var medians = samples.Select(BenchmarkTimer.Median).ToArray();
        var bests = samples.Select(list => list.Min()).ToArray();
        int openBlas = Array.FindIndex(backends, b => b.Name == "openblas");
        for (int i = 0; i < backends.Length; i++)
        {
            bool compared = openBlas >= 0 && i != openBlas;
            yield return new Row(c, backends[i].Name, medians[i], bests[i], flops / (medians[i] * 1e6),
                compared ? medians[openBlas] / medians[i] : null, compared ? bests[openBlas] / bests[i] : null);
        }
    }

    private static float[] RandomFloats(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }

    private static void WriteJson(string path, List<Row> rows, int runs, double loadBefore, double loadAfter)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("benchmark", "gemm");
        json.WriteNumber("cores", Environment.ProcessorCount);
        json.WriteString("managedSimd", ManagedGemm.BestLevel.ToString());
        json.WriteString("openBlasCore", OpenBlasGemm.Instance?.CoreName);
        json.WriteNumber("runs", runs);
        json.WriteNumber("loadAverageBefore", loadBefore);
        json.WriteNumber("loadAverageAfter", loadAfter);
        json.WriteStartArray("results");
        foreach (var r in rows)
        {
            json.WriteStartObject();
            json.WriteString("shape", r.Case.Shape);
            json.WriteString("layout", r.Case.Layout);
            json.WriteNumber("m", r.Case.M);
            json.WriteNumber("n", r.Case.N);
            json.WriteNumber("k", r.Case.K);
            json.WriteString("backend", r.Backend);
            json.WriteNumber("medianMs", Math.Round(r.MedianMs, 4));
            json.WriteNumber("bestMs", Math.Round(r.BestMs, 4));
            json.WriteNumber("gflops", Math.Round(r.GFlops, 2));
            if (r.RatioToOpenBlas is { } ratio) json.WriteNumber("ratioToOpenBlas", Math.Round(ratio, 3));
            else json.WriteNull("ratioToOpenBlas");
            if (r.BestRatioToOpenBlas is { } best) json.WriteNumber("bestRunRatioToOpenBlas", Math.Round(best, 3));
            else json.WriteNull("bestRunRatioToOpenBlas");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
