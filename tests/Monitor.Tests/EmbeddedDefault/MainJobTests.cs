using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ProbeMonitor.Model;
using ProbeMonitor.Monitor.EmbeddedDefault;
using ProbeMonitor.Monitor.Tests.Grpc;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Tokenization;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.EmbeddedDefault;

/// <summary>The README's main job: the Monitor executable started with no model or probe switches serves the embedded default,
/// and Debian's python3-grpcio scores a prompt and a chat against it.</summary>
public sealed class MainJobTests : IDisposable
{
    private readonly string _cache = RepoPaths.NewTempDir("pm-main-job");
    private readonly List<Process> _servers = [];

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            server.WaitForExit();
            server.Dispose();
        }
        Directory.Delete(_cache, recursive: true);
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task The_executable_with_no_arguments_serves_the_embedded_default_to_a_python_grpcio_client()
    {
        int http = FreeLoopbackPort(), grpc = FreeLoopbackPort();
        var server = StartMonitor(["--urls", $"http://127.0.0.1:{http}", "--grpc-urls", $"http://127.0.0.1:{grpc}"], out var log);
        var pb2 = PythonGrpcPeer.GenerateMessages();
        try
        {
            await WaitHealthyAsync(server, http, log);
            const string chat = "Context: The Normans gave their name to Normandy, a region in France.\n\nQuestion: Who gave their name to Normandy?";
            var input = JsonSerializer.Serialize(new { prompt = "How tall is Mont Blanc?", chat = new[] { new[] { "user", chat } }, token_ids = new[] { 2, 100, 200 } });
            var script = Path.Combine(RepoPaths.Root, "tests", "Monitor.Tests", "Services", "Python", "score_prompts.py");
            var run = await Task.Run(() => Peers.Run(Peers.DebianPython, [script, pb2, $"127.0.0.1:{grpc}"], input, TimeSpan.FromSeconds(120)));
            Assert.True(run.ExitCode == 0, $"score_prompts.py exited {run.ExitCode}:\n{run.StdErr}\nserver log:\n{string.Join('\n', log)}");
            var report = JsonDocument.Parse(run.StdOut).RootElement;

            // The same chat, computed here with the engine and the committed bundles, must get the same probabilities.
            var embedded = EmbeddedDefaultModel.Materialize(_cache);
            var bundles = BundleDirectory.LoadAll(embedded.ProbesDirectory).Bundles;
            var ids = GemmaTokenizer.Load(embedded.TokenizerPath).EncodeConversation([new("user", chat)]);
            using var model = GemmaModel.Load(embedded.ModelDirectory, maxLayer: embedded.HookLayer);
            var x = model.ResidualStream([ids], [embedded.HookLayer], ProbeMonitor.Model.Pooling.Last).Get(embedded.HookLayer, 0).ToArray();
            var served = report.GetProperty("chat");
            Assert.Equal(EmbeddedDefaultModel.ModelId, served.GetProperty("model").GetString());
            Assert.Equal(embedded.HookLayer, served.GetProperty("layer").GetInt32());
            Assert.Equal(4, bundles.Count);
            foreach (var bundle in bundles)
            {
                var logit = new float[1];
                bundle.CreateProbe().ScoreLogits(x, 1, logit);
                Assert.Equal(bundle.CreateCalibrator().Apply(logit[0]), served.GetProperty("scores").GetProperty(bundle.ProbeId).GetDouble(), 1e-3);
            }
            foreach (var kind in new[] { "prompt", "token_ids" })
                Assert.Equal(bundles.Select(b => b.ProbeId).Order(), report.GetProperty(kind).GetProperty("scores").EnumerateObject().Select(p => p.Name).Order());
            Assert.Equal("INVALID_ARGUMENT", report.GetProperty("empty").GetProperty("code").GetString());
            Assert.False(server.HasExited, "the sidecar must keep serving after a bad request");
        }
        finally
        {
            Directory.Delete(pb2, recursive: true);
        }
    }

    [Fact]
    public async Task Embedded_default_false_starts_a_sidecar_without_a_model_or_probes()
    {
        int http = FreeLoopbackPort(), grpc = FreeLoopbackPort();
        var server = StartMonitor(["--urls", $"http://127.0.0.1:{http}", "--grpc-urls", $"http://127.0.0.1:{grpc}", "--embedded-default", "false"], out var log);
        await WaitHealthyAsync(server, http, log);
        Assert.DoesNotContain(log.ToArray(), line => line.Contains("embedded default", StringComparison.Ordinal));
    }

    private Process StartMonitor(string[] args, out System.Collections.Concurrent.ConcurrentQueue<string> log)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? Peers.FindExecutable("dotnet")!;
        var psi = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ProbeMonitor.Monitor.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment[EmbeddedDefaultModel.CacheEnvironmentVariable] = _cache;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the Monitor");
        _servers.Add(process);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } d) lines.Enqueue(d); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } d) lines.Enqueue(d); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log = lines;
        return process;
    }

    private static async Task WaitHealthyAsync(Process server, int port, System.Collections.Concurrent.ConcurrentQueue<string> log)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(server.HasExited, $"the Monitor exited with {(server.HasExited ? server.ExitCode : 0)}:\n{string.Join('\n', log)}");
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/healthz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        Assert.Fail($"the Monitor did not answer /healthz within 120 s:\n{string.Join('\n', log)}");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
