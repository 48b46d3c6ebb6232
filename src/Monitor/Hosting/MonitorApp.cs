using ProbeMonitor.Monitor.Metrics;

namespace ProbeMonitor.Monitor.Hosting;

/// <summary>Builds the sidecar's web application: configuration, Kestrel binding and endpoints.</summary>
public static class MonitorApp
{
    /// <summary>Loopback only unless the operator says otherwise: the sidecar sits beside the serving engine, not on the open network.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5005";

    /// <summary>Creates the application from command-line arguments (ASP.NET Core configuration order: appsettings, environment, command line).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls(DefaultUrls);
        builder.Services.AddMonitorMetrics();

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok\n", "text/plain"));
        app.MapPrometheusMetrics();
        return app;
    }
}
