using System.Diagnostics;
using System.Globalization;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.LoadGeneration;
using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Benchmarks;

/// <summary>The forward pass alone, in this process: the built-in prompts one sequence per pass against all of them in one
/// pass. Whatever a request costs besides its forward pass (gRPC, tokenizing, scoring) is the same with or without batching,
/// so this ratio bounds from above what batching can buy the sidecar with this model.</summary>
internal static class ForwardBatchingCeiling
{
    /// <summary>The best-of-<paramref name="rounds"/> CPU time per sequence at batch 1 and at <paramref name="batch"/>, and their ratio.</summary>
    public static async Task<(double SingleMs, double BatchedMs, double Ratio, double MeanTokens)> MeasureAsync(
        string modelDirectory, string? tokenizer, int layer, int batch, int rounds = 5)
    {
        ProbeMonitor.Monitor.Hosting.MonitorApp.PreferInlineKernels(); // the GEMM back end the sidecar uses
        using var source = GemmaActivationSource.Load(modelDirectory, tokenizer, maxLayer: layer);
        var prompts = PromptTexts.BuiltIn(1).Take(batch).Select(source.Tokenize).ToArray();
        var poolings = new[] { Pooling.Last };
        async Task<double> CpuMsPerSequence(Func<Task> run)
        {
            var best = double.PositiveInfinity;
            for (int r = 0; r < rounds; r++)
            {
                var before = Process.GetCurrentProcess().TotalProcessorTime;
                await run();
                best = Math.Min(best, (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds / prompts.Length);
            }
            return best;
        }
        async Task Singles()
        {
            foreach (var p in prompts) await source.ForwardAsync(new ForwardBatch([p], layer, poolings), CancellationToken.None);
        }
        Task Batched() => source.ForwardAsync(new ForwardBatch(prompts, layer, poolings), CancellationToken.None);

        // Warm up until tiered JIT has replaced the kernels' first code.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(3)) { await Singles(); await Batched(); }
        double single = await CpuMsPerSequence(Singles), batched = await CpuMsPerSequence(Batched);
        return (single, batched, single / batched, prompts.Average(p => p.Length));
    }

    /// <summary>One line for the report.</summary>
    public static string Describe((double SingleMs, double BatchedMs, double Ratio, double MeanTokens) m, int batch) =>
        string.Create(CultureInfo.InvariantCulture,
            $"forward pass alone, in-process ({ProbeMonitor.Kernels.Gemm.BackendName} GEMM, best of 5, {m.MeanTokens:0.#} tokens per prompt): {m.SingleMs:0.00} CPU ms per sequence one at a time, " +
            $"{m.BatchedMs:0.00} in passes of {batch}: {m.Ratio:0.00}×, the most batching can buy end to end with this model");
}
