using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ProbeMonitor.Shared.Tests.Tokenization;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Tokenization;

namespace ProbeMonitor.Benchmarks;

/// <summary>The "tokenizer" verb: load time of the real Gemma tokenizer.json and encoding speed on SQuAD text, against the naive reference.</summary>
/// <remarks>There is no Hugging Face tokenizers package on this machine, so the peer is <see cref="NaiveGemmaReference"/> (DOM load,
/// O(n²) BPE per section), run on a sample in the same process; its ids are checked equal to ours on that sample. Each row gives
/// wall time and the process's CPU time, because on a shared machine wall time also counts waiting for a core.</remarks>
public static class TokenizerBenchmark
{
    private readonly record struct Timing(double Wall, double Cpu);

    /// <summary>Runs the benchmark; args: [tokenizer folder] [squad2-dev.json.gz].</summary>
    public static int Run(string[] args)
    {
        string dir = args.Length > 0 ? args[0] : RepoPaths.Shared("models/gemma2-tokenizer");
        string squad = args.Length > 1 ? args[1] : RepoPaths.Shared("data/answerability/squad2-dev.json.gz");
        string json = Path.Combine(dir, "tokenizer.json");
        if (!File.Exists(json) || !File.Exists(squad))
        {
            Console.Error.WriteLine($"needs {json} and {squad}");
            return 2;
        }
        var (contexts, questions) = ReadSquad(squad);
        long contextBytes = Utf8Bytes(contexts), questionBytes = Utf8Bytes(questions);
        var noSpaces = string.Concat(contexts).Replace(" ", "")[..100_000];

        GemmaTokenizer tokenizer = null!;
        var firstLoad = Measure(() => tokenizer = GemmaTokenizer.Load(dir));
        var load = Median(3, () => GemmaTokenizer.Load(dir));

        // Warm the JIT on this instance, then measure a fresh instance so its word cache starts empty.
        EncodeAll(tokenizer, questions);
        tokenizer.Encode(noSpaces[..10_000]);
        var fresh = GemmaTokenizer.Load(dir);
        var cold = Measure(() => EncodeAll(fresh, contexts));
        var warm = Median(5, () => EncodeAll(fresh, contexts));
        var freshForQuestions = GemmaTokenizer.Load(dir);
        var questionsCold = Measure(() => EncodeAll(freshForQuestions, questions));
        var noSpace = Median(3, () => tokenizer.Encode(noSpaces));

        NaiveGemmaReference naive = null!;
        var naiveLoad = Measure(() => naive = new NaiveGemmaReference(json));
        var sample = contexts.Where((_, i) => i % 16 == 0).ToList();
        long sampleBytes = Utf8Bytes(sample);
        var naiveIds = new List<int>[sample.Count];
        var naiveTime = Measure(() => { for (int i = 0; i < sample.Count; i++) naiveIds[i] = naive.Encode(sample[i]); });
        var sampleFresh = GemmaTokenizer.Load(dir);
        var ourIds = new int[sample.Count][];
        var oursSample = Measure(() => { for (int i = 0; i < sample.Count; i++) ourIds[i] = sampleFresh.Encode(sample[i]); });
        int disagreements = Enumerable.Range(0, sample.Count).Count(i => !naiveIds[i].SequenceEqual(ourIds[i]));

        Console.WriteLine($"## Gemma tokenizer (single thread; {Environment.ProcessorCount} cores visible; .NET {Environment.Version})");
        Console.WriteLine();
        Console.WriteLine($"tokenizer.json {new FileInfo(json).Length / 1e6:F1} MB; SQuAD contexts {contexts.Count} texts, {contextBytes / 1e6:F3} MB UTF-8; questions {questions.Count}, {questionBytes / 1e6:F3} MB. 'cold' = fresh instance (empty word cache), JIT already warm.");
        Console.WriteLine();
        Console.WriteLine("| measure | ProbeMonitor wall | ProbeMonitor CPU | naive reference wall | naive CPU | ratio (CPU) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine($"| load tokenizer.json, first call (s) | {firstLoad.Wall:F3} | {firstLoad.Cpu:F3} | {naiveLoad.Wall:F3} | {naiveLoad.Cpu:F3} | {naiveLoad.Cpu / firstLoad.Cpu:F1}x |");
        Console.WriteLine($"| load, median of 3 more (s) | {load.Wall:F3} | {load.Cpu:F3} | | | |");
        Row("encode contexts, cold (MB/s)", contextBytes, cold);
        Row("encode contexts, warm cache, median of 5 (MB/s)", contextBytes, warm);
        Row("encode questions, cold (MB/s)", questionBytes, questionsCold);
        Row("encode 100 KB without spaces, median of 3 (MB/s)", Encoding.UTF8.GetByteCount(noSpaces), noSpace);
        Console.WriteLine($"| encode every 16th context ({sample.Count} texts, {sampleBytes / 1e6:F3} MB), cold (MB/s) | {sampleBytes / 1e6 / oursSample.Wall:F2} | {sampleBytes / 1e6 / oursSample.Cpu:F2} | {sampleBytes / 1e6 / naiveTime.Wall:F4} | {sampleBytes / 1e6 / naiveTime.Cpu:F4} | {naiveTime.Cpu / oursSample.Cpu:F0}x |");
        Console.WriteLine();
        Console.WriteLine($"ids equal to the naive reference on {sample.Count - disagreements} of {sample.Count} sampled contexts");
        return disagreements == 0 ? 0 : 3;
    }

    private static void Row(string what, long bytes, Timing t) =>
        Console.WriteLine($"| {what} | {bytes / 1e6 / t.Wall:F2} | {bytes / 1e6 / t.Cpu:F2} | | | |");

    private static long Utf8Bytes(List<string> texts) => texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));

    private static int EncodeAll(GemmaTokenizer tokenizer, List<string> texts)
    {
        int total = 0;
        foreach (var t in texts) total += tokenizer.Encode(t).Length;
        return total;
    }

    private static double CpuSeconds()
    {
        var usage = Environment.CpuUsage;
        return (usage.UserTime + usage.PrivilegedTime).TotalSeconds;
    }

    private static Timing Measure(Action action)
    {
        double cpu = CpuSeconds();
        var sw = Stopwatch.StartNew();
        action();
        return new Timing(sw.Elapsed.TotalSeconds, CpuSeconds() - cpu);
    }

    private static Timing Median<T>(int runs, Func<T> func)
    {
        var times = Enumerable.Range(0, runs).Select(_ => Measure(() => GC.KeepAlive(func()))).ToList();
        return new Timing(times.Select(t => t.Wall).Order().ElementAt(runs / 2), times.Select(t => t.Cpu).Order().ElementAt(runs / 2));
    }

    private static (List<string> Contexts, List<string> Questions) ReadSquad(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var doc = JsonDocument.Parse(gz);
        var contexts = new List<string>();
        var questions = new List<string>();
        foreach (var article in doc.RootElement.GetProperty("data").EnumerateArray())
        foreach (var p in article.GetProperty("paragraphs").EnumerateArray())
        {
            contexts.Add(p.GetProperty("context").GetString()!);
            foreach (var q in p.GetProperty("qas").EnumerateArray()) questions.Add(q.GetProperty("question").GetString()!);
        }
        return (contexts, questions);
    }
}
