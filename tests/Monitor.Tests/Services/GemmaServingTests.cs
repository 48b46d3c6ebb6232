using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.Tests.Inference;
using ProbeMonitor.Monitor.Tests.Metrics;
using ProbeMonitor.Protocol;
using Xunit;
using WireChatMessage = ProbeMonitor.Protocol.ChatMessage;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>The sidecar started with <c>--model DIR</c> over real gRPC: prompt, chat and token_ids requests are scored from the
/// Gemma engine's activations (checked against the probes' formulas on activations computed directly), repeats hit the
/// activation cache, bad rows get INVALID_ARGUMENT without stopping the server, and bad directories stop start-up.</summary>
public sealed class GemmaServingTests : IDisposable
{
    private readonly TinyGemmaServing _tiny = new();

    public void Dispose() => _tiny.Dispose();

    private Task<Sidecar> StartAsync(params string[] extra) =>
        Sidecar.StartAsync(_tiny.ProbesDir, ["--model", _tiny.ModelDir, .. extra]);

    private void AssertScores(int[] ids, ScoreResponse response)
    {
        Assert.Equal((TinyGemmaServing.ModelId, TinyGemmaServing.Layer), (response.Model, response.Layer));
        var scores = response.Scores.ToDictionary(s => s.ProbeId, s => s.Probability);
        Assert.Equal(2, scores.Count);
        // Both poolings come from one pass that computes every row, so Last is exactly the engine's last unpooled row.
        Assert.Equal(_tiny.LastProbability(_tiny.LastRow(ids)), scores[TinyGemmaServing.LastId], 1e-6);
        Assert.Equal(_tiny.MeanProbability(_tiny.MeanRow(ids)), scores[TinyGemmaServing.MeanId], 1e-6);
    }

    [Fact]
    public async Task Prompt_chat_and_token_ids_are_scored_from_the_models_activations_and_repeats_hit_the_cache()
    {
        await using var sidecar = await StartAsync();
        var source = Assert.IsType<GemmaActivationSource>(sidecar.Services.GetService(typeof(IActivationSource)));
        Assert.Equal(TinyGemmaServing.Layer + 1, source.LoadedLayers); // only up to the probes' layer

        int[] ids = [2, 8, 9, 33, 40, 13];
        AssertScores(ids, await sidecar.ScoreAsync(new ScoreRequest { TokenIds = new TokenIds { Ids = { ids } } }));
        AssertScores(_tiny.Tokenizer.Encode("ab cab fig"), await sidecar.ScoreAsync(new ScoreRequest { Prompt = "ab cab fig" }));
        var chat = new ChatMessages
        {
            Messages =
            {
                new WireChatMessage { Role = "system", Content = "be brief" },
                new WireChatMessage { Role = "user", Content = "why?" },
            },
        };
        AssertScores(_tiny.Tokenizer.EncodeConversation([new("system", "be brief"), new("user", "why?")]), await sidecar.ScoreAsync(new ScoreRequest { Chat = chat }));

        var again = await sidecar.ScoreAsync(new ScoreRequest { Prompt = "ab cab fig" });
        AssertScores(_tiny.Tokenizer.Encode("ab cab fig"), again);
        Assert.Equal(0, again.Timings.ForwardUs); // from the cache, no forward pass
        var samples = Exposition.Samples(await sidecar.ScrapeAsync());
        Assert.Equal(2, samples["probemon_cache_requests_total{result=\"hit\"}"]);   // both poolings of the repeat
        Assert.Equal(6, samples["probemon_cache_requests_total{result=\"miss\"}"]);  // both poolings of three sequences
        Assert.Equal(3, samples["probemon_forward_duration_seconds_count"]);
    }

    [Fact]
    public async Task Bad_rows_get_invalid_argument_and_the_server_keeps_serving()
    {
        await using var sidecar = await StartAsync();
        async Task Bad(ScoreRequest request, string expected)
        {
            var e = await sidecar.FailAsync(request);
            Assert.Equal(GrpcStatusCode.InvalidArgument, e.StatusCode);
            Assert.Contains(expected, e.Detail);
        }

        await Bad(new ScoreRequest { Prompt = "" }, "the prompt is empty"); // a oneof member is sent even when empty
        await Bad(new ScoreRequest { TokenIds = new TokenIds { Ids = { 2, 8, 64 } } }, "token 2 has id 64, outside the vocabulary [0, 64)");
        await Bad(new ScoreRequest { TokenIds = new TokenIds { Ids = { Enumerable.Repeat(8, 65) } } }, "has 65 tokens; model 'test/tiny-gemma-2' reads at most 64");
        await Bad(new ScoreRequest { Prompt = string.Concat(Enumerable.Repeat("a b ", 40)) }, "the prompt has 161 tokens");
        await Bad(new ScoreRequest { Chat = new ChatMessages { Messages = { new WireChatMessage { Role = "robot", Content = "ab" } } } }, "unknown role 'robot'");
        await Bad(new ScoreRequest { Chat = new ChatMessages() }, "no messages");

        // Bad and good rows at once in one stream of unary calls: each bad one fails alone.
        var calls = Enumerable.Range(0, 6).Select(i => sidecar.ScoreAsync(new ScoreRequest
        {
            TokenIds = new TokenIds { Ids = { 2, 10 + i, i == 2 ? 999 : 20 + i } },
        })).ToList();
        for (int i = 0; i < calls.Count; i++)
        {
            if (i == 2) Assert.Equal(GrpcStatusCode.InvalidArgument, (await Assert.ThrowsAsync<GrpcStatusException>(() => calls[i])).StatusCode);
            else AssertScores([2, 10 + i, 20 + i], await calls[i]);
        }
        AssertScores([2, 11], await sidecar.ScoreAsync(new ScoreRequest { Prompt = "ab" }));
    }

    [Fact]
    public async Task Without_probes_every_layer_is_loaded_and_the_model_id_flag_wins()
    {
        var empty = Path.Combine(_tiny.Root, "no-probes");
        Directory.CreateDirectory(empty);
        await using var sidecar = await Sidecar.StartAsync(empty, ["--model", _tiny.ModelDir, "--model-id", "acme/renamed"]);
        var source = Assert.IsType<GemmaActivationSource>(sidecar.Services.GetService(typeof(IActivationSource)));
        Assert.Equal((TinyGemmaServing.Layers, "acme/renamed"), (source.LoadedLayers, source.ModelId));
    }

    [Fact]
    public void A_model_directory_that_cannot_be_loaded_stops_start_up_naming_the_problem()
    {
        var bare = Path.Combine(_tiny.Root, "bare");
        Directory.CreateDirectory(bare);
        var e = Assert.Throws<ModelLoadException>(() => ProbeMonitor.Monitor.Hosting.MonitorApp.Build(["--urls", "http://127.0.0.1:0", "--grpc-urls", "http://127.0.0.1:0", "--model", bare]));
        Assert.Contains("no tokenizer.json", e.Message);
        var noWeights = Assert.Throws<ModelLoadException>(() => ProbeMonitor.Monitor.Hosting.MonitorApp.Build(
            ["--urls", "http://127.0.0.1:0", "--grpc-urls", "http://127.0.0.1:0", "--model", bare, "--tokenizer", _tiny.TokenizerPath]));
        Assert.Contains("config.json", noWeights.Message);
    }

    [Fact]
    public void The_executable_prints_the_load_error_and_exits_with_code_2()
    {
        var bare = Path.Combine(_tiny.Root, "bare-exe");
        Directory.CreateDirectory(bare);
        File.Copy(_tiny.TokenizerPath, Path.Combine(bare, "tokenizer.json"));
        File.Copy(Path.Combine(_tiny.ModelDir, "config.json"), Path.Combine(bare, "config.json"));
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? TestSupport.Peers.FindExecutable("dotnet")!;
        var monitor = Path.Combine(AppContext.BaseDirectory, "ProbeMonitor.Monitor.dll");
        var run = TestSupport.Peers.Run(dotnet, [monitor, "--urls", "http://127.0.0.1:0", "--grpc-urls", "http://127.0.0.1:0", "--model", bare],
            null, TimeSpan.FromSeconds(120));
        Assert.True(run.ExitCode == 2, $"exit code {run.ExitCode}: {run.StdErr}");
        Assert.StartsWith("probemonitor: cannot load the model", run.StdErr.Trim());
        Assert.Contains("model.safetensors", run.StdErr);
        Assert.DoesNotContain("   at ", run.StdErr); // no stack trace
    }
}
