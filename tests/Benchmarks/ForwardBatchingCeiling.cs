using System.Diagnostics;
using System.Globalization;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.LoadGeneration;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Benchmarks;

/// <summary>The forward pass alone, in this process: the built-in prompts one sequence per pass against all of them in one
/// pass. Whatever a request costs besides its forward pass (gRPC, tokenizing, scoring) is the same with or without batching,
/// so this ratio bounds from above what batching can buy the sidecar with this model.</summary>
/// <remarks>Beside it, the same measurement on an independent peer: Debian's PyTorch running the same checkpoint eagerly
/// (<see cref="PrefillTorchScript"/>), one thread so that its CPU time holds no OpenMP spinning, several sequences right-padded
/// into one pass as a PyTorch serving stack batches them. It tells whether the ceiling is this engine's or the model's.</remarks>
internal static class ForwardBatchingCeiling
{
    /// <summary>CPU ms per sequence one at a time and in one pass of all, their ratio, and the prompts' mean length.</summary>
    public sealed record Measurement(double SingleMs, double BatchedMs, double MeanTokens)
    {
        /// <summary>What one pass of all buys over one pass per sequence.</summary>
        public double Ratio => SingleMs / BatchedMs;
    }

    /// <summary>The engine's and (when Debian's torch is installed and the checkpoint is F32) PyTorch's ceilings, and how far
    /// torch's last-token residual of the first prompt is from the engine's (the check that both run the same model).</summary>
    public sealed record Result(Measurement Engine, Measurement? Torch, string TorchInfo, double? MaxAbsDifference);

    /// <summary>The best-of-<paramref name="rounds"/> CPU time per sequence at batch 1 and at <paramref name="batch"/>, here and in torch.</summary>
    public static async Task<Result> MeasureAsync(string modelDirectory, string? tokenizer, int layer, int batch, int rounds = 5)
    {
        ProbeMonitor.Monitor.Hosting.MonitorApp.PreferInlineKernels(); // the GEMM back end the sidecar uses
        using var source = GemmaActivationSource.Load(modelDirectory, tokenizer, maxLayer: layer);
        var prompts = PromptTexts.BuiltIn(1).Take(batch).Select(source.Tokenize).ToArray();
        var poolings = new[] { Pooling.Last };
        async Task Singles()
        {
            foreach (var p in prompts) await source.ForwardAsync(new ForwardBatch([p], layer, poolings), CancellationToken.None);
        }
        Task Batched() => source.ForwardAsync(new ForwardBatch(prompts, layer, poolings), CancellationToken.None);

        // Warm up until tiered JIT has replaced the kernels' first code.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < TimeSpan.FromSeconds(3)) { await Singles(); await Batched(); }

        string? missing = Peers.HasPythonModule("torch") ? null : "no /usr/bin/python3 with torch (apt-get install python3-torch, or .ci/install-peers)";
        if (missing is null && CheckpointDtype(modelDirectory) is { } dtype && dtype != "F32") missing = $"the checkpoint is {dtype}; the torch peer reads F32 only";
        using var torch = missing is null ? StartTorch(modelDirectory, prompts, ref missing) : null;
        var everyRow = Enumerable.Range(0, prompts.Length).ToArray();
        double? maxDiff = null;
        if (torch is not null)
        {
            var engineFirst = (await source.ForwardAsync(new ForwardBatch([prompts[0]], layer, poolings), CancellationToken.None)).Pooled[Pooling.Last];
            var torchFirst = torch.Forward(layer, returnFirst: true, rows: everyRow).First!;
            maxDiff = engineFirst.Zip(torchFirst, (a, b) => Math.Abs((double)a - b)).Max();
            for (int i = 0; i < 3; i++) { TorchSingles(); TorchBatched(); }
        }
        double TorchSingles() => everyRow.Sum(r => torch!.Forward(layer, rows: [r]).CpuMs);
        double TorchBatched() => torch!.Forward(layer, rows: everyRow).CpuMs;

        // Rounds interleave the four timings so that all of them see the same load on a shared machine; each keeps its best.
        double single = double.PositiveInfinity, batched = double.PositiveInfinity, torchSingle = double.PositiveInfinity, torchBatched = double.PositiveInfinity;
        for (int r = 0; r < rounds; r++)
        {
            single = Math.Min(single, await CpuMsAsync(Singles));
            batched = Math.Min(batched, await CpuMsAsync(Batched));
            if (torch is null) continue;
            torchSingle = Math.Min(torchSingle, TorchSingles());
            torchBatched = Math.Min(torchBatched, TorchBatched());
        }
        int n = prompts.Length;
        var engine = new Measurement(single / n, batched / n, prompts.Average(p => p.Length));
        return torch is null
            ? new Result(engine, null, missing!, null)
            : new Result(engine, new Measurement(torchSingle / n, torchBatched / n, engine.MeanTokens), torch.Info, maxDiff);
    }

    /// <summary>The torch peer, or null with <paramref name="missing"/> saying why it did not start (the engine's line still
    /// stands without it).</summary>
    private static PrefillTorchServer? StartTorch(string modelDirectory, int[][] prompts, ref string? missing)
    {
        try
        {
            return new PrefillTorchServer(modelDirectory, prompts, ProbeMonitor.Kernels.OpenBlasGemm.CoreTypeForThisCpu(), threads: 1);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Text.Json.JsonException)
        {
            missing = $"the torch peer failed to start: {e.Message}";
            return null;
        }
    }

    private static async Task<double> CpuMsAsync(Func<Task> run)
    {
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        await run();
        return (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds;
    }

    /// <summary>The safetensors dtype of the checkpoint's first tensor ("sharded" when there is no single model.safetensors).</summary>
    private static string? CheckpointDtype(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, "model.safetensors");
        if (!File.Exists(path)) return "sharded";
        using var file = SafetensorsFile.Open(path);
        return file.Tensors.Select(t => t.DType.SafetensorsName()).FirstOrDefault();
    }

    /// <summary>The report's lines.</summary>
    public static string Describe(Result m, int batch)
    {
        var e = m.Engine;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"forward pass alone, in-process ({ProbeMonitor.Kernels.Gemm.BackendName} GEMM, best of 5, {e.MeanTokens:0.#} tokens per prompt): {e.SingleMs:0.00} CPU ms per sequence one at a time, " +
            $"{e.BatchedMs:0.00} in passes of {batch}: {e.Ratio:0.00}×, the most batching can buy end to end with this model");
        if (m.Torch is not { } t) return text + Environment.NewLine + $"peer: no PyTorch ceiling ({m.TorchInfo})";
        // Random weights at d 256 give residuals of order 1; F32 rounding differences stay near 1e-5.
        string warning = m.MaxAbsDifference > 1e-3 ? Environment.NewLine + "warning: torch's residual differs from the engine's: the peer is not running the same model, so its ratio says nothing here" : "";
        return text + Environment.NewLine + string.Create(CultureInfo.InvariantCulture,
            $"peer: PyTorch eager on the same checkpoint ({m.TorchInfo}; {batch} prompts right-padded into one pass; last-token residual within {m.MaxAbsDifference:G3} of the engine's): " +
            $"{t.SingleMs:0.00} CPU ms per sequence one at a time, {t.BatchedMs:0.00} batched: {t.Ratio:0.00}×; engine vs torch per sequence: {t.SingleMs / e.SingleMs:0.00}× as fast alone, {t.BatchedMs / e.BatchedMs:0.00}× batched") + warning;
    }
}
