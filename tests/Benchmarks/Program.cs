using ProbeMonitor.Benchmarks;

// Speed checks run by hand (never by the test command). Each verb prints a Markdown table with a ratio against a peer
// measured in the same run; add a verb by adding one file with a static Run(string[] args) and one line here.
var verbs = new Dictionary<string, (string Summary, Func<string[], int> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["gemm"] = ("GEMM back ends (managed SIMD vs OpenBLAS) on 1024³ and Gemma-2-2B MLP shapes", GemmBenchmark.Run),
    ["tokenizer"] = ("Gemma tokenizer load time and encode MB/s vs a naive reference", TokenizerBenchmark.Run),
    ["metrics"] = ("ns per metric measurement: lock-free collector vs lock-based baselines", MetricsBenchmark.Run),
    ["grpc"] = ("gRPC unary latency, calls/s and bidi messages/s: Kestrel layer vs Python grpcio server", GrpcBenchmark.Run),
    ["serve"] = ("sidecar scoring pushed activations: ScoreStream req/s, fixed-rate unary p50/p99, vs raw Kestrel HTTP/2 echo", ServeBenchmark.Run),
    ["soak"] = ("sidecar at 80% of measured capacity for --minutes (5): zero errors, flat RSS/heap; then 3× capacity: fast RESOURCE_EXHAUSTED, no crash", SoakBenchmark.Run),
    ["text-batching"] = ("prompts through a model in the sidecar, 32 clients: throughput with --max-batch 1 vs the default batch (target ≥ 3×)", TextBatchingBenchmark.Run),
    ["score-profile"] = ("ProbeScorer per-request CPU µs and bytes allocated, broken into its parts, plus decode/queue/map", ScoreProfileBenchmark.Run),
    ["serve-profile"] = ("client + server in one process: CPU µs and bytes allocated per message/call for echoes, ScoreStream, unary", ServeProfileBenchmark.Run),
    ["logreg"] = ("C-grid logistic regression (2000×3584, logspace(5,−5,10), lbfgs) vs scikit-learn 1.2", LogRegBenchmark.Run),
    ["sparse-rank"] = ("1-sparse CV-AUC ranking of 131,072 latents × 2,000 examples vs per-latent sklearn (extrapolated)", SparseRankBenchmark.Run),
    ["prefill"] = ("Gemma-2 forward (d 1024, 12 layers, 8×256 tokens) vs eager PyTorch 1.13, full and truncated", PrefillBenchmark.Run),
    ["sae-train"] = ("TopK SAE training tokens/s (d_in 2304, width 16384, k 64) vs the SAELens-style PyTorch step", SaeTrainBenchmark.Run),
};

if (args.Length == 0 || !verbs.TryGetValue(args[0], out var verb))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Benchmarks -- <benchmark> [options]");
    foreach (var (name, (summary, _)) in verbs) Console.Error.WriteLine($"  {name,-10} {summary}");
    return args.Length == 0 ? 1 : 2;
}
return verb.Run(args[1..]);
