using System.Text.Json;
using ProbeMonitor.Monitor.Tests.Grpc;
using ProbeMonitor.Monitor.Tests.Inference;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>Debian's python3-grpcio (an independent gRPC stack) sends text and token ids to a sidecar serving a model.</summary>
public sealed class PythonModelScoringTests
{
    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Python_grpcio_scores_a_prompt_a_chat_and_token_ids_against_a_sidecar_with_a_model()
    {
        using var tiny = new TinyGemmaServing();
        await using var sidecar = await Sidecar.StartAsync(tiny.ProbesDir, ["--model", tiny.ModelDir]);
        var pb2 = PythonGrpcPeer.GenerateMessages();
        try
        {
            const string prompt = "a cab is bad";
            int[] ids = [2, 9, 30, 44, 13];
            var input = JsonSerializer.Serialize(new { prompt, chat = new[] { new[] { "user", "ab?" } }, token_ids = ids });
            var script = Path.Combine(RepoPaths.Root, "tests", "Monitor.Tests", "Services", "Python", "score_prompts.py");
            var address = $"{sidecar.GrpcAddress.Host}:{sidecar.GrpcAddress.Port}";
            var run = await Task.Run(() => Peers.Run(Peers.DebianPython, [script, pb2, address], input, TimeSpan.FromSeconds(90)));
            Assert.True(run.ExitCode == 0, $"score_prompts.py exited {run.ExitCode}:\n{run.StdErr}");
            var report = JsonDocument.Parse(run.StdOut).RootElement;

            AssertScores(tiny, tiny.Tokenizer.Encode(prompt), report.GetProperty("prompt"));
            AssertScores(tiny, tiny.Tokenizer.EncodeConversation([new("user", "ab?")]), report.GetProperty("chat"));
            AssertScores(tiny, ids, report.GetProperty("token_ids"));
            Assert.Equal("INVALID_ARGUMENT", report.GetProperty("empty").GetProperty("code").GetString());
            Assert.Contains("prompt is empty", report.GetProperty("empty").GetProperty("details").GetString());
        }
        finally
        {
            Directory.Delete(pb2, recursive: true);
        }
    }

    private static void AssertScores(TinyGemmaServing tiny, int[] ids, JsonElement response)
    {
        Assert.Equal(TinyGemmaServing.ModelId, response.GetProperty("model").GetString());
        Assert.Equal(TinyGemmaServing.Layer, response.GetProperty("layer").GetInt32());
        var scores = response.GetProperty("scores");
        Assert.Equal(tiny.LastProbability(tiny.LastRow(ids)), scores.GetProperty(TinyGemmaServing.LastId).GetDouble(), 1e-6);
        Assert.Equal(tiny.MeanProbability(tiny.MeanRow(ids)), scores.GetProperty(TinyGemmaServing.MeanId).GetDouble(), 1e-6);
    }
}
