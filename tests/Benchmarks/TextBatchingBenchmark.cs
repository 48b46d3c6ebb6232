using System.Globalization;
using ProbeMonitor.Model;
using ProbeMonitor.Monitor.EmbeddedDefault;
using ProbeMonitor.Monitor.LoadGeneration;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Benchmarks;

/// <summary>Text in, a model in the sidecar: 32 closed-loop clients sending prompts, the server run with <c>--max-batch 1</c> and
/// then with its default batch size; the ratio of their throughputs is what dynamic batching of forward passes buys.</summary>
/// <remarks>
/// The server is the benchmark's child sidecar (<see cref="ServerProcess"/>) with a random Gemma-2 checkpoint (bf16, the real
/// 256,000-token vocabulary, so the real tokenizer from ../shared serves it) and the four <see cref="ServeBundles"/> probes
/// at its last loaded layer; <c>--cache-size-mb 0</c>, so every request runs the model. Clients: the loadgen code, prompt
/// mode, the built-in 64 prompts (about 10–20 tokens each), unary. Besides requests/s it reports the server's CPU time per
/// request (far less disturbed by a busy machine than wall-clock rates) and the mean number of sequences per forward pass.
/// Without <c>--model</c> or <c>--random</c> it serves the embedded default model and its committed bundles (the issue's
/// configuration). Options: <c>--clients</c> (32), <c>--seconds</c> (20) after <c>--warmup-seconds</c> (5), <c>--hidden</c> (1024),
/// <c>--intermediate</c> (4 × hidden), <c>--layers</c> (2), <c>--model DIR</c> (an existing checkpoint instead of a random one;
/// its id is overridden to the bundles'), <c>--target</c> (3: the ratio to reach; exit code 1 below it), <c>--ceiling-only</c>
/// (the embedded default's forward-pass ceiling and its PyTorch peer, without the servers).
/// </remarks>
public static class TextBatchingBenchmark
{
    /// <summary>Runs both configurations and prints a Markdown table.</summary>
    public static int Run(string[] args) => RunAsync(new BenchmarkArgs(args)).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(BenchmarkArgs a)
    {
        if (a.String("--model") is null && !a.Flag("--random")) return await RunEmbeddedAsync(a);
        int clients = a.Int("--clients", 32), hidden = a.Int("--hidden", 1024), layers = a.Int("--layers", 2);
        double seconds = a.Double("--seconds", 20), warmup = a.Double("--warmup-seconds", 5), target = a.Double("--target", 3);
        var tokenizer = RepoPaths.Shared("models/gemma2-tokenizer");
        if (!File.Exists(Path.Combine(tokenizer, "tokenizer.json")))
        {
            Console.Error.WriteLine($"text-batching: needs the Gemma tokenizer at {tokenizer} (../shared/models/gemma2-tokenizer)");
            return 2;
        }

        string? given = a.String("--model");
        string modelDir = given ?? Path.Combine(Path.GetTempPath(), $"pm-textbatch-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string? probes = null;
        try
        {
            if (given is null)
            {
                var config = Config(hidden, a.Int("--intermediate", 4 * hidden), layers);
                Console.Error.WriteLine($"text-batching: writing a random {layers}-layer d={hidden} bf16 checkpoint to {modelDir} …");
                RandomCheckpoint.Write(config, 7, WeightPrecision.BF16, modelDir);
            }
            var model = GemmaConfig.Load(Path.Combine(modelDir, "config.json"));
            int layer = model.NumHiddenLayers - 1;
            probes = ServeBundles.Write(model.HiddenSize, layer);
            var common = new[] { "--model", modelDir, "--tokenizer", tokenizer, "--model-id", ServeBundles.ModelId, "--cache-size-mb", "0" };
            string loadBefore = MachineLoad.Average();
            Console.WriteLine($"text-batching: {clients} closed-loop clients, prompt mode (built-in set), unary; model d={model.HiddenSize}, " +
                              $"{model.NumHiddenLayers} layers (probes at layer {layer}), bf16; {Environment.ProcessorCount} logical CPUs; load average {loadBefore}");

            var rows = new List<Row>();
            foreach (var maxBatch in new[] { "1", null })
            {
                var serverArgs = maxBatch is null ? common.ToList() : [.. common, "--max-batch", maxBatch];
                rows.Add(await MeasureAsync(probes, serverArgs, maxBatch ?? "default (32)", clients, warmup, seconds));
            }
            Console.WriteLine(ForwardBatchingCeiling.Describe(await ForwardBatchingCeiling.MeasureAsync(modelDir, tokenizer, layer, 32), 32));

            return Summarize(rows, target, loadBefore);
        }
        finally
        {
            if (probes is not null) Directory.Delete(probes, recursive: true);
            if (given is null && Directory.Exists(modelDir)) Directory.Delete(modelDir, recursive: true);
        }
    }

    /// <summary>The issue's configuration: the embedded default model and its committed bundles, served as
    /// <c>dotnet run --project src/Monitor</c> serves them, with the activation cache off.</summary>
    private static async Task<int> RunEmbeddedAsync(BenchmarkArgs a)
    {
        int clients = a.Int("--clients", 32);
        double seconds = a.Double("--seconds", 20), warmup = a.Double("--warmup-seconds", 5), target = a.Double("--target", 3);
        var embedded = EmbeddedDefaultModel.Materialize(log: Console.Error);
        if (a.Flag("--ceiling-only"))
        {
            Console.WriteLine(ForwardBatchingCeiling.Describe(await ForwardBatchingCeiling.MeasureAsync(embedded.ModelDirectory, embedded.TokenizerPath, embedded.HookLayer, clients), clients));
            return 0;
        }
        var common = new[] { "--model", embedded.ModelDirectory, "--cache-size-mb", "0" };
        string loadBefore = MachineLoad.Average();
        Console.WriteLine($"text-batching: {clients} closed-loop clients, prompt mode (built-in set), unary; embedded default {embedded.ModelId} " +
                          $"(probes at layer {embedded.HookLayer}); {Environment.ProcessorCount} logical CPUs; load average {loadBefore}");
        var rows = new List<Row>();
        foreach (var maxBatch in new[] { "1", null })
        {
            var serverArgs = maxBatch is null ? common.ToList() : [.. common, "--max-batch", maxBatch];
            rows.Add(await MeasureAsync(embedded.ProbesDirectory, serverArgs, maxBatch ?? "default (32)", clients, warmup, seconds));
        }
        Console.WriteLine(ForwardBatchingCeiling.Describe(await ForwardBatchingCeiling.MeasureAsync(embedded.ModelDirectory, embedded.TokenizerPath, embedded.HookLayer, 32), 32));
        return Summarize(rows, target, loadBefore);
    }

    private static int Summarize(List<Row> rows, double target, string loadBefore)
    {
        double ratio = rows[1].Report.OkThroughput / rows[0].Report.OkThroughput;
        double cpuRatio = rows[0].CpuMsPerRequest / rows[1].CpuMsPerRequest;
        Console.WriteLine();
        Console.WriteLine("| --max-batch | requests | errors | OK/s | p50 ms | p99 ms | server CPU ms/request | sequences per forward pass |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Report.Requests:N0} | {r.Report.Errors:N0} | {r.Report.OkThroughput:N1} | {r.Report.All.P50Us / 1000:0.#} | {r.Report.All.P99Us / 1000:0.#} | {r.CpuMsPerRequest:0.00} | {r.SequencesPerForward:0.0} |"));
        Console.WriteLine();
        bool met = ratio >= target && rows.All(r => r.Report.Errors == 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput ratio (default / max-batch 1): {ratio:0.00}× (target ≥ {target:0.#}×: {(met ? "met" : "NOT met")}); server CPU per request ratio: {cpuRatio:0.00}×"));
        if (rows.Any(r => r.Report.Requests < 100))
            Console.WriteLine("warning: under 100 measured requests in a configuration; the ratio means little — raise --seconds (and --warmup-seconds past one batch).");
        Console.WriteLine($"load average before {loadBefore}, after {MachineLoad.Average()}");
        return met ? 0 : 1;
    }

    private sealed record Row(string Name, LoadReport Report, double CpuMsPerRequest, double SequencesPerForward);

    private static async Task<Row> MeasureAsync(string probes, List<string> serverArgs, string name, int clients, double warmup, double seconds)
    {
        using var server = await ServerProcess.StartAsync(probes, serverArgs);
        var options = new LoadGenOptions
        {
            Target = server.GrpcAddress, Mode = LoadMode.Prompt, Rpc = RpcKind.Unary, Concurrency = clients,
            Warmup = TimeSpan.FromSeconds(warmup), Duration = TimeSpan.FromSeconds(seconds), Timeout = TimeSpan.FromMinutes(2),
        };
        // Warm-up and measurement are one run; the CPU time and forward counts are read around the whole of it, so they
        // cover warm-up requests too: per-request ratios, not totals, are compared.
        var cpu = server.CpuTime();
        var steal = new CpuSteal();
        double forwards = await server.MetricAsync("probemon_forward_duration_seconds_count");
        double answered = await server.MetricAsync("probemon_requests_total", "method=\"Score\"");
        var report = await LoadGenerator.RunAsync(options);
        double requests = await server.MetricAsync("probemon_requests_total", "method=\"Score\"") - answered;
        double cpuMs = (server.CpuTime() - cpu).TotalMilliseconds / Math.Max(1, requests);
        double perForward = requests / Math.Max(1, await server.MetricAsync("probemon_forward_duration_seconds_count") - forwards);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  --max-batch {name}: {report.Requests:N0} measured, {report.OkThroughput:N1} OK/s, {cpuMs:0.00} server CPU ms/request, {perForward:0.0} sequences per forward; CPU steal {steal.Since()}; load average {MachineLoad.Average()}"));
        if (report.Errors > 0) Console.WriteLine(report.ToTable());
        return new Row(name, report, cpuMs, perForward);
    }

    private static GemmaConfig Config(int hidden, int intermediate, int layers)
    {
        int heads = Math.Max(1, hidden / 128);
        return new GemmaConfig
        {
            VocabSize = 256_000, HiddenSize = hidden, IntermediateSize = intermediate, NumHiddenLayers = layers,
            NumAttentionHeads = heads, NumKeyValueHeads = Math.Max(1, heads / 2), HeadDim = 128, QueryPreAttnScalar = 128,
            SlidingWindow = 4096, SlidingLayers = Enumerable.Range(0, layers).Select(i => i % 2 == 0).ToArray(),
            AttnLogitSoftcapping = 50.0, FinalLogitSoftcapping = 30.0, MaxPositionEmbeddings = 8192,
        };
    }
}
