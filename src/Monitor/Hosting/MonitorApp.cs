using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Monitor.EmbeddedDefault;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.Metrics;
using ProbeMonitor.Monitor.Services;

namespace ProbeMonitor.Monitor.Hosting;

/// <summary>Builds the sidecar's web application: configuration, Kestrel listeners (see <see cref="MonitorListeners"/>), the
/// scoring pipeline, and endpoints.</summary>
/// <remarks>
/// Switches (command line, environment or appsettings; see <see cref="MonitorOptions"/>): <c>--probes DIR</c>, <c>--model DIR</c>
/// (with <c>--tokenizer PATH</c>, <c>--model-id ID</c>; see <see cref="GemmaActivationSourceServiceCollectionExtensions"/>),
/// <c>--urls</c>, <c>--grpc-urls</c>, <c>--max-batch</c>, <c>--max-wait-ms</c>, <c>--activations-max-wait-ms</c>, <c>--api-key</c>, …
/// The middleware order matters: request metrics first, so calls refused by the API-key check are counted too.
/// </remarks>
public static class MonitorApp
{
    /// <summary>The HTTP/1.1 address used when --urls is not given.</summary>
    public const string DefaultUrls = MonitorListeners.DefaultUrls;

    /// <summary>Makes the managed GEMM the default back end of this process unless <c>PROBEMONITOR_GEMM</c> names one; call it
    /// before anything multiplies matrices (Program.cs does).</summary>
    /// <remarks>
    /// The scorer's GEMMs are small (a batch of 1–32 rows against 64 latents or a rank-64 reference). The managed kernels run
    /// those on the calling thread (they split only work over 2²⁰ multiply-adds, on the .NET thread pool), while OpenBLAS
    /// hands every call to its own worker threads: on a machine whose cores are busy, a batch of one then waits for those
    /// threads to be scheduled (milliseconds), and the workers spin against Kestrel's threads. Measured with the serve
    /// benchmark on a loaded 2-core machine: unary p50 ≈ 100 ms and a full queue with OpenBLAS, ≈ 8 ms with the managed kernels.
    /// </remarks>
    public static void PreferInlineKernels()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Kernels.GemmBackendSelection.EnvironmentVariable)))
            Environment.SetEnvironmentVariable(Kernels.GemmBackendSelection.EnvironmentVariable, "managed");
    }

    /// <summary>Creates the application from command-line arguments (ASP.NET Core configuration order: appsettings, environment, command line).</summary>
    /// <param name="args">Command-line arguments, e.g. <c>--urls http://127.0.0.1:5005 --grpc-urls http://127.0.0.1:5006</c>.</param>
    /// <param name="configureServices">Extra registrations made before the defaults, e.g. an <see cref="Inference.IActivationSource"/>
    /// (the model seam; it takes precedence over <c>--model</c>) or a replacement <see cref="IScoringService"/>.</param>
    /// <exception cref="ModelLoadException"><c>--model DIR</c> names a checkpoint or tokenizer that cannot be loaded.</exception>
    /// <param name="useEmbeddedDefault">Serve the embedded default model and its bundles when neither <c>--model</c> nor
    /// <c>--probes</c> is given (the executable does; see <see cref="EmbeddedDefaultSelection"/>).</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null, bool useEmbeddedDefault = false)
    {
        var builder = WebApplication.CreateBuilder(args);
        var listeners = MonitorListeners.FromConfiguration(builder.Configuration);
        // Explicit listeners replace Kestrel's own binding of "urls". The host captured an explicit --urls before we could
        // read it, so Kestrel then logs a harmless "Overriding address(es)" warning; it binds exactly what is asked.
        builder.WebHost.ConfigureKestrel(listeners.Bind);
        builder.Services.AddSingleton(listeners);

        var grpc = builder.Configuration.GetSection("Grpc");
        builder.Services.Configure<GrpcServerOptions>(o =>
        {
            if (grpc["MaxReceiveMessageSize"] is { Length: > 0 } receive) o.MaxReceiveMessageSize = int.Parse(receive, System.Globalization.CultureInfo.InvariantCulture);
            if (grpc["MaxSendMessageSize"] is { Length: > 0 } send) o.MaxSendMessageSize = int.Parse(send, System.Globalization.CultureInfo.InvariantCulture);
            if (grpc["ResponseCompression"] is { Length: > 0 } compression) o.ResponseCompressionAlgorithm = compression;
            o.EnableDetailedErrors = grpc.GetValue("EnableDetailedErrors", o.EnableDetailedErrors);
        });

        var options = MonitorOptions.FromConfiguration(builder.Configuration);
        if (useEmbeddedDefault) options = EmbeddedDefaultSelection.Apply(options, builder.Configuration, Console.Error);
        builder.Services.AddMonitorMetrics();
        configureServices?.Invoke(builder.Services);
        builder.Services.AddGemmaActivationSource(options); // --model DIR, unless configureServices registered a source
        builder.Services.AddScoringPipeline(options);

        var app = builder.Build();
        app.UseMiddleware<GrpcRequestMetrics>();
        if (options.ApiKey is { } apiKey) app.UseMiddleware<ApiKeyAuthentication>(apiKey);
        app.MapGet("/healthz", () => Results.Text("ok\n", "text/plain"));
        app.MapPrometheusMetrics();
        app.MapGrpcService(ProbeMonitorGrpcService.Register);
        var scoring = app.Services.GetRequiredService<IScoringService>();
        app.MapGrpcService(registry => HealthGrpcService.Register(registry,
            new Dictionary<string, Func<bool>> { [ProbeMonitorMethods.ServiceName] = () => scoring.IsServing }));
        return app;
    }
}
