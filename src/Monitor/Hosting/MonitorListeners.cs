using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ProbeMonitor.Monitor.Hosting;

/// <summary>The sidecar's two kinds of listener: <c>--urls</c> for HTTP/1.1 (/healthz, /metrics; curl and Prometheus) and <c>--grpc-urls</c> for gRPC over HTTP/2.</summary>
/// <remarks>
/// Why two ports: gRPC clients speak cleartext HTTP/2 with prior knowledge (h2c), and Prometheus and curl speak HTTP/1.1.
/// Kestrel (.NET 10) cannot serve both on one cleartext port: an <c>Http1AndHttp2</c> endpoint without TLS falls back to
/// HTTP/1.1 only and answers an h2c preface with HTTP_1_1_REQUIRED (GrpcListenerTests checks this), because it picks the
/// protocol by TLS ALPN. So gRPC gets its own HTTP/2-only port, default http://127.0.0.1:5006. With https:// URLs both kinds
/// negotiate by ALPN, and gRPC also works on the --urls port. When the configuration has a <c>Kestrel:Endpoints</c> section
/// (certificates and all), Kestrel binds exactly those and neither option is used; give the gRPC endpoint "Protocols": "Http2".
/// An explicit --urls makes Kestrel log "Overriding address(es) …" at start: harmless, the listeners are the ones named here.
/// </remarks>
public sealed class MonitorListeners
{
    /// <summary>The HTTP/1.1 address; loopback only unless the operator says otherwise, since the sidecar sits beside the serving engine.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5005";

    /// <summary>The gRPC (h2c) address.</summary>
    public const string DefaultGrpcUrls = "http://127.0.0.1:5006";

    /// <summary>The configuration key (and command-line option) for the gRPC addresses; "" turns the gRPC listener off.</summary>
    public const string GrpcUrlsKey = "grpc-urls";

    private readonly List<ListenOptions> _httpListeners = [];
    private readonly List<ListenOptions> _grpcListeners = [];

    private MonitorListeners(IReadOnlyList<BindingAddress> httpUrls, IReadOnlyList<BindingAddress> grpcUrls)
    {
        HttpUrls = httpUrls;
        GrpcUrls = grpcUrls;
    }

    /// <summary>The addresses for HTTP/1.1 (and HTTP/2 by ALPN when https).</summary>
    public IReadOnlyList<BindingAddress> HttpUrls { get; }

    /// <summary>The addresses for gRPC: HTTP/2 only.</summary>
    public IReadOnlyList<BindingAddress> GrpcUrls { get; }

    /// <summary>The HTTP endpoints actually bound (real ports when 0 was asked for); empty before the server starts.</summary>
    public IReadOnlyList<IPEndPoint> BoundHttpEndPoints => Bound(_httpListeners);

    /// <summary>The gRPC endpoints actually bound; empty before the server starts.</summary>
    public IReadOnlyList<IPEndPoint> BoundGrpcEndPoints => Bound(_grpcListeners);

    /// <summary>Reads <c>urls</c> and <c>grpc-urls</c> (';'-separated); an empty list is null when the Kestrel:Endpoints section takes over.</summary>
    public static MonitorListeners FromConfiguration(IConfiguration configuration)
    {
        if (configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
            return new MonitorListeners([], []);
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        var grpcUrls = configuration[GrpcUrlsKey];
        return new MonitorListeners(
            Parse(string.IsNullOrWhiteSpace(urls) ? DefaultUrls : urls, "urls"),
            Parse(grpcUrls ?? DefaultGrpcUrls, GrpcUrlsKey));
    }

    /// <summary>Adds the listeners to Kestrel.</summary>
    public void Bind(KestrelServerOptions kestrel)
    {
        foreach (var url in HttpUrls)
            _httpListeners.Add(Listen(kestrel, url, IsHttps(url) ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1));
        foreach (var url in GrpcUrls)
            _grpcListeners.Add(Listen(kestrel, url, HttpProtocols.Http2));
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, BindingAddress url, HttpProtocols protocols)
    {
        ListenOptions? bound = null;
        void Configure(ListenOptions listen)
        {
            listen.Protocols = protocols;
            if (IsHttps(url)) listen.UseHttps(); // the certificate comes from Kestrel's defaults (Kestrel:Certificates:Default)
            bound = listen;
        }
        if (string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            kestrel.ListenLocalhost(url.Port, Configure);
        else if (url.Host is "*" or "+" || url.Host == "0.0.0.0")
            kestrel.ListenAnyIP(url.Port, Configure);
        else if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip))
            kestrel.Listen(ip, url.Port, Configure);
        else
            throw new InvalidOperationException($"Cannot listen on '{url}': the host must be an IP address, localhost or *.");
        return bound!;
    }

    private static List<BindingAddress> Parse(string urls, string option)
    {
        var result = new List<BindingAddress>();
        foreach (var url in urls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"--{option} '{url}' is not a URL such as http://127.0.0.1:5005: {e.Message}", e);
            }
            if (address.Scheme is not ("http" or "https") || address.IsUnixPipe)
                throw new InvalidOperationException($"--{option} '{url}' must be an http:// or https:// address with a port.");
            result.Add(address);
        }
        return result;
    }

    private static bool IsHttps(BindingAddress url) => url.Scheme == "https";

    private static List<IPEndPoint> Bound(List<ListenOptions> listeners) =>
        listeners.Select(l => l.IPEndPoint).OfType<IPEndPoint>().ToList();
}
