// Benchmarks are added by the issues that set speed targets; each prints a Markdown table with a ratio against a peer.
// One file per benchmark; register its verb here.
using ProbeMonitor.Benchmarks;

var verbs = new Dictionary<string, Func<string[], int>>
{
    ["tokenizer"] = TokenizerBenchmark.Run,
    ["logreg"] = LogRegBenchmark.Run,
};
if (args.Length == 0 || !verbs.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project tests/Benchmarks -- <{string.Join('|', verbs.Keys)}> [options]");
    return 1;
}
return run(args[1..]);
