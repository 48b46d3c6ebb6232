using ProbeMonitor.Model;
using ProbeMonitor.Monitor.EmbeddedDefault;
using ProbeMonitor.Monitor.Tests.Services;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Protocol;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Tokenization;
using Xunit;
using WireChatMessage = ProbeMonitor.Protocol.ChatMessage;

namespace ProbeMonitor.Monitor.Tests.EmbeddedDefault;

/// <summary>The sidecar started on the materialised embedded model and its committed bundles scores a chat with all four probes,
/// as the bundles' own probe and calibrator give on activations computed directly with the engine.</summary>
public sealed class EmbeddedDefaultServingTests : IDisposable
{
    private readonly string _cache = RepoPaths.NewTempDir("pm-embedded-serving");

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    [Fact]
    public async Task A_chat_is_scored_by_every_committed_bundle_as_the_bundles_compute_it()
    {
        var embedded = EmbeddedDefaultModel.Materialize(_cache);
        await using var sidecar = await Sidecar.StartAsync(embedded.ProbesDirectory, ["--model", embedded.ModelDirectory]);
        const string text = "Context: The Normans gave their name to Normandy, a region in France.\n\nQuestion: Who gave their name to Normandy?";
        var response = await sidecar.ScoreAsync(new ScoreRequest { Chat = new ChatMessages { Messages = { new WireChatMessage { Role = "user", Content = text } } } });
        Assert.Equal((EmbeddedDefaultModel.ModelId, embedded.HookLayer), (response.Model, response.Layer));

        var ids = GemmaTokenizer.Load(embedded.TokenizerPath).EncodeConversation([new("user", text)]);
        using var model = GemmaModel.Load(embedded.ModelDirectory, maxLayer: embedded.HookLayer);
        var x = model.ResidualStream([ids], [embedded.HookLayer], Model.Pooling.Last).Get(embedded.HookLayer, 0).ToArray();
        var bundles = BundleDirectory.LoadAll(embedded.ProbesDirectory).Bundles;
        Assert.Equal(bundles.Select(b => b.ProbeId).Order(), response.Scores.Select(s => s.ProbeId).Order());
        foreach (var bundle in bundles)
        {
            var logit = new float[1];
            bundle.CreateProbe().ScoreLogits(x, 1, logit);
            var score = response.Scores.Single(s => s.ProbeId == bundle.ProbeId);
            Assert.Equal(logit[0], score.Logit, 1e-3);
            Assert.Equal(bundle.CreateCalibrator().Apply(logit[0]), score.Probability, 1e-3);
        }
    }
}
