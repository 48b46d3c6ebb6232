using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>How the sidecar listens: the Kestrel finding behind the two-port design, and MonitorApp's two listeners.</summary>
public sealed class GrpcListenerTests
{
    private static readonly string[] Quiet = ["--Logging:LogLevel:Default=Warning"];

    [Fact]
    public async Task Kestrel_cleartext_Http1AndHttp2_endpoint_refuses_h2c_prior_knowledge()
    {
        // The reason for a separate gRPC port (see MonitorListeners). If a future Kestrel sniffs the h2c preface on
        // mixed cleartext endpoints (dotnet/aspnetcore#56984), this test fails and one port would do.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1AndHttp2));
        await using var app = builder.Build();
        app.MapGet("/", (Microsoft.AspNetCore.Http.HttpContext c) => c.Request.Protocol);
        await app.StartAsync();
        var address = new Uri(app.Urls.Single());

        using var client = new HttpClient();
        Assert.Equal("HTTP/1.1", await client.GetStringAsync(address));
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(H2c(HttpMethod.Get, address)));

        // On the wire (HttpClient may see the GOAWAY or just the closed socket): the client preface gets GOAWAY HTTP_1_1_REQUIRED.
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, address.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        var reply = new MemoryStream();
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0) reply.Write(buffer, 0, n); // until the server closes
        }
        catch (IOException)
        {
            // A reset after the GOAWAY is fine: what was read is what counts.
        }
        Assert.Equal(0xd, GoAwayErrorCode(reply.ToArray()));
        await app.StopAsync();
    }

    /// <summary>The error code of the first GOAWAY frame (type 7) in raw HTTP/2 server bytes (RFC 9113 §6.8).</summary>
    private static int GoAwayErrorCode(byte[] bytes)
    {
        for (int at = 0; at + 9 <= bytes.Length;)
        {
            int length = bytes[at] << 16 | bytes[at + 1] << 8 | bytes[at + 2];
            if (bytes[at + 3] == 7 && at + 9 + 8 <= bytes.Length)
                return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at + 9 + 4));
            at += 9 + length;
        }
        throw new Xunit.Sdk.XunitException($"no GOAWAY frame in {Convert.ToHexString(bytes)}");
    }

    [Fact]
    public async Task MonitorApp_serves_http1_on_urls_and_grpc_h2c_on_grpc_urls()
    {
        await using var app = MonitorApp.Build([.. Quiet, "--urls", "http://127.0.0.1:0", "--grpc-urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        var listeners = app.Services.GetRequiredService<MonitorListeners>();
        var http = Assert.Single(listeners.BoundHttpEndPoints);
        var grpc = Assert.Single(listeners.BoundGrpcEndPoints);
        Assert.NotEqual(0, http.Port);
        Assert.NotEqual(0, grpc.Port);
        Assert.NotEqual(http.Port, grpc.Port);
        var httpAddress = new Uri($"http://{http}");
        var grpcAddress = new Uri($"http://{grpc}");

        using var client = new HttpClient();
        Assert.Equal("ok\n", await client.GetStringAsync(new Uri(httpAddress, "/healthz")));          // curl / Prometheus
        using (var h2 = await client.SendAsync(H2c(HttpMethod.Get, new Uri(grpcAddress, "/healthz"))))  // same app over h2c
            Assert.Equal(HttpVersion.Version20, h2.Version);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(H2c(HttpMethod.Get, new Uri(httpAddress, "/healthz"))));

        using var channel = GrpcChannel.ForAddress(grpcAddress);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await channel.UnaryCall(HealthGrpcService.Check, new HealthCheckRequest())).Status);
        // No probes loaded: the server is up but the ProbeMonitor service cannot score yet.
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing,
            (await channel.UnaryCall(HealthGrpcService.Check, new HealthCheckRequest { Service = ProbeMonitorMethods.ServiceName })).Status);
        var unknown = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryCall(HealthGrpcService.Check, new HealthCheckRequest { Service = "nope.Service" }).ResponseAsync);
        Assert.Equal(GrpcStatusCode.NotFound, unknown.StatusCode);

        // Without --model, text input cannot be scored, and the sidecar says why.
        var score = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryCall(ProbeMonitorMethods.Score, new ScoreRequest { Prompt = "hi" }).ResponseAsync);
        Assert.Equal(GrpcStatusCode.FailedPrecondition, score.StatusCode);
        Assert.Equal(ProbeMonitor.Monitor.Inference.ModelNotLoadedException.NoModel, score.Detail);

        // gRPC over HTTP/1.1 (the HTTP port) gets a plain 426 saying why.
        using var http1 = new HttpRequestMessage(HttpMethod.Post, new Uri(httpAddress, ProbeMonitorMethods.Score.FullName))
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        http1.Content.Headers.TryAddWithoutValidation("Content-Type", "application/grpc");
        using var upgrade = await client.SendAsync(http1);
        Assert.Equal(HttpStatusCode.UpgradeRequired, upgrade.StatusCode);
        Assert.Contains("requires HTTP/2", await upgrade.Content.ReadAsStringAsync());
        await app.StopAsync();
    }

    [Fact]
    public async Task Registered_scoring_service_replaces_the_placeholder()
    {
        await using var app = MonitorApp.Build([.. Quiet, "--urls", "http://127.0.0.1:0", "--grpc-urls", "http://127.0.0.1:0"],
            services => services.AddSingleton<IScoringService, FakeScoringService>());
        await app.StartAsync();
        using var channel = GrpcChannel.ForAddress($"http://{app.Services.GetRequiredService<MonitorListeners>().BoundGrpcEndPoints[0]}");
        var response = await channel.UnaryCall(ProbeMonitorMethods.Score, new ScoreRequest { RequestId = "r", Prompt = "four" });
        Assert.Equal("r", response.RequestId);
        Assert.Equal(FakeScoringService.Probability(4), response.Scores.Single().Probability);

        using var stream = channel.DuplexStreamingCall(ProbeMonitorMethods.ScoreStream);
        for (int i = 0; i < 5; i++) await stream.RequestStream.WriteAsync(new ScoreRequest { RequestId = $"s{i}", TokenIds = new TokenIds { Ids = { Enumerable.Range(0, i) } } });
        await stream.RequestStream.CompleteAsync();
        var ids = new List<string>();
        await foreach (var r in stream.ReadAllAsync())
        {
            ids.Add(r.RequestId);
            Assert.Equal(FakeScoringService.Probability(ids.Count - 1), r.Scores.Single().Probability);
        }
        Assert.Equal(["s0", "s1", "s2", "s3", "s4"], ids);
        await app.StopAsync();
    }

    [Fact]
    public async Task Https_listeners_serve_grpc_over_TLS_with_a_configured_certificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var dir = RepoPaths.NewTempDir("pm-grpc-tls");
        try
        {
            var pfx = Path.Combine(dir, "server.pfx");
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "pw"));
            await using var app = MonitorApp.Build([.. Quiet, "--urls", "https://127.0.0.1:0", "--grpc-urls", "https://127.0.0.1:0",
                "--Kestrel:Certificates:Default:Path", pfx, "--Kestrel:Certificates:Default:Password", "pw"]);
            await app.StartAsync();
            var listeners = app.Services.GetRequiredService<MonitorListeners>();
            // Both ports negotiate h2 by ALPN under TLS, so gRPC answers on either.
            foreach (var endpoint in listeners.BoundHttpEndPoints.Concat(listeners.BoundGrpcEndPoints))
            {
                var handler = new SocketsHttpHandler
                {
                    SslOptions = new SslClientAuthenticationOptions
                    {
                        RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString(),
                    },
                };
                using var channel = GrpcChannel.ForAddress($"https://{endpoint}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpHandler = true });
                var health = await channel.UnaryCall(HealthGrpcService.Check, new HealthCheckRequest());
                Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
            }
            await app.StopAsync();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Empty_grpc_urls_turns_the_grpc_listener_off()
    {
        await using var app = MonitorApp.Build([.. Quiet, "--urls", "http://127.0.0.1:0", "--grpc-urls", ""]);
        await app.StartAsync();
        var listeners = app.Services.GetRequiredService<MonitorListeners>();
        Assert.Single(listeners.BoundHttpEndPoints);
        Assert.Empty(listeners.BoundGrpcEndPoints);
        await app.StopAsync();
    }

    [Theory]
    [InlineData("--grpc-urls", "ftp://127.0.0.1:1", "must be an http:// or https://")]
    [InlineData("--urls", "http://example.com:5005", "must be an IP address, localhost or *")]
    public async Task Bad_listener_urls_fail_with_a_clear_message(string option, string url, string message)
    {
        var e = await Record.ExceptionAsync(async () =>
        {
            await using var app = MonitorApp.Build([.. Quiet, option, url]);
            await app.StartAsync();
        });
        Assert.NotNull(e);
        Assert.Contains(message, e!.Message);
    }

    private static HttpRequestMessage H2c(HttpMethod method, Uri uri) =>
        new(method, uri) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
}
