using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ProbeMonitor.Monitor.Grpc;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>A real Kestrel server on 127.0.0.1 (port chosen by the OS, HTTP/2 cleartext) serving <see cref="TestService"/>, shared by a test class.</summary>
public sealed class GrpcTestServer : IAsyncLifetime
{
    private WebApplication? _app;

    internal TestService Service { get; } = new();

    /// <summary>The server's base address, e.g. http://127.0.0.1:41234.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>An HttpClient for hand-made requests: HTTP/2 prior knowledge, nothing else.</summary>
    public HttpClient Raw { get; } = new(new SocketsHttpHandler())
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(20),
    };

    public GrpcChannel Channel(GrpcChannelOptions? options = null) => GrpcChannel.ForAddress(Address, options);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.Configure<GrpcServerOptions>(o => o.ResponseCompressionAlgorithm = GrpcCompression.Gzip);
        _app = builder.Build();
        _app.MapGrpcService(Service.Register);
        await _app.StartAsync();
        Address = new Uri(_app.Urls.Single());
    }

    public async Task DisposeAsync()
    {
        Raw.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
