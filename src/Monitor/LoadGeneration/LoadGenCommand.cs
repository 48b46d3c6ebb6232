using System.CommandLine;
using System.CommandLine.Parsing;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>The sidecar executable's <c>loadgen</c> verb: drive a running sidecar and print throughput and latency percentiles.</summary>
/// <example><code>dotnet run -c Release --project src/Monitor -- loadgen --target http://127.0.0.1:5006 --rpc stream --concurrency 4 --duration 30s</code></example>
public static class LoadGenCommand
{
    /// <summary>The verb's name, the first argument that selects it.</summary>
    public const string Name = "loadgen";

    /// <summary>Whether <paramref name="args"/> ask for this verb rather than the server.</summary>
    public static bool IsInvoked(string[] args) => args is [Name, ..];

    /// <summary>Parses and runs <c>loadgen …</c> (<paramref name="args"/> starts with the verb); the exit code is 0 on success,
    /// 1 for bad options or a run that could not start.</summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("ProbeMonitor sidecar tools (run without a verb to start the sidecar).") { Create() };
        var config = new InvocationConfiguration();
        if (output is not null) config.Output = output;
        if (error is not null) config.Error = error;
        return root.Parse(args).InvokeAsync(config, cancellationToken);
    }

    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var target = new Option<string>("--target") { Description = "The sidecar's gRPC address.", DefaultValueFactory = _ => "http://127.0.0.1:5006" };
        var mode = new Option<LoadMode>("--mode")
        {
            Description = "activations: random F32 vectors of the probes' width (no model needed); prompt or chat: texts the sidecar's model reads.",
            DefaultValueFactory = _ => LoadMode.Activations,
        };
        var rpc = new Option<RpcKind>("--rpc") { Description = "unary: one Score call per request; stream: one ScoreStream per worker.", DefaultValueFactory = _ => RpcKind.Unary };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Workers (unary calls or streams open at once).", DefaultValueFactory = _ => 16 };
        var rate = new Option<double?>("--rate")
        {
            Description = "Open loop: requests per second over all workers, latency counted from each request's scheduled time. Without it: closed loop, as fast as answers come.",
        };
        var duration = DurationOption("--duration", "How long to measure (90, 90s, 500ms, 5m).", DefaultDuration);
        var warmup = DurationOption("--warmup", "How long to send before measuring.", DefaultWarmup);
        var apiKey = new Option<string?>("--api-key") { Description = "Sent as 'authorization: Bearer KEY'." };
        var dModel = new Option<int?>("--d-model") { Description = "Activation width (default: read from ListProbes)." };
        var layer = new Option<int?>("--layer") { Description = "Layer stamped on activations (default: read from ListProbes)." };
        var prompts = new Option<FileInfo?>("--prompts")
        {
            Description = "JSONL of {\"text\": …}, {\"prompt\": …} or {\"messages\": [{\"role\", \"content\"}, …]} (default: a built-in seeded set of 64 prompts).",
        };
        var seed = new Option<int>("--seed") { Description = "Seeds the activation vectors and built-in prompts.", DefaultValueFactory = _ => 1 };
        var window = new Option<int>("--window") { Description = "Closed-loop streams: requests each stream keeps in flight.", DefaultValueFactory = _ => 16 };
        var timeout = DurationOption("--timeout", "Deadline of each unary call.", DefaultTimeout);
        var json = new Option<FileInfo?>("--json") { Description = "Also write the report as JSON to this file." };

        var cmd = new Command(Name, "Drive a running sidecar with Score or ScoreStream traffic; print requests, errors by status, throughput and latency percentiles.")
        {
            target, mode, rpc, concurrency, rate, duration, warmup, apiKey, dModel, layer, prompts, seed, window, timeout, json,
        };
        cmd.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                if (!Uri.TryCreate(parse.GetValue(target), UriKind.Absolute, out var address))
                    throw new ArgumentException($"--target '{parse.GetValue(target)}' is not an absolute address such as http://127.0.0.1:5006.");
                var options = new LoadGenOptions
                {
                    Target = address,
                    Mode = parse.GetValue(mode),
                    Rpc = parse.GetValue(rpc),
                    Concurrency = parse.GetValue(concurrency),
                    Rate = parse.GetValue(rate),
                    Duration = parse.GetValue(duration) ?? DefaultDuration,
                    Warmup = parse.GetValue(warmup) ?? DefaultWarmup,
                    ApiKey = parse.GetValue(apiKey),
                    DModel = parse.GetValue(dModel),
                    Layer = parse.GetValue(layer),
                    PromptsFile = parse.GetValue(prompts)?.FullName,
                    Seed = parse.GetValue(seed),
                    StreamWindow = parse.GetValue(window),
                    Timeout = parse.GetValue(timeout) ?? DefaultTimeout,
                };
                var report = await LoadGenerator.RunAsync(options, cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(report.ToTable()).ConfigureAwait(false);
                if (parse.GetValue(json) is { } file)
                {
                    LoadReportJson.Write(report, file.FullName);
                    await output.WriteLineAsync($"wrote {file.FullName}").ConfigureAwait(false);
                }
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                await error.WriteLineAsync($"loadgen: error: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return cmd;
    }

    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(10), DefaultWarmup = TimeSpan.FromSeconds(2), DefaultTimeout = TimeSpan.FromSeconds(30);

    // No DefaultValueFactory: help would print the default as a TimeSpan (00:00:10), not the way the option is written.
    private static Option<TimeSpan?> DurationOption(string name, string description, TimeSpan fallback) => new(name)
    {
        Description = $"{description} [default: {DurationText.Format(fallback)}]",
        CustomParser = Parse,
    };

    private static TimeSpan? Parse(ArgumentResult result)
    {
        try
        {
            return DurationText.Parse(result.Tokens.Single().Value);
        }
        catch (FormatException e)
        {
            result.AddError(e.Message);
            return default;
        }
    }
}
