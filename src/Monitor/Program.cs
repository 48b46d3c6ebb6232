using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.LoadGeneration;

// `loadgen …` is a client of a running sidecar; anything else starts the sidecar.
if (LoadGenCommand.IsInvoked(args)) return await LoadGenCommand.InvokeAsync(args);

MonitorApp.PreferInlineKernels();
WebApplication app;
try
{
    args = ContentRootDefault.Apply(args, Environment.CurrentDirectory, AppContext.BaseDirectory, Environment.GetEnvironmentVariable);
    app = MonitorApp.Build(args, useEmbeddedDefault: true);
}
catch (Exception e) when (e is ModelLoadException or FormatException or IOException)
{
    // A start-up error the operator can fix: say what, without a stack trace.
    Console.Error.WriteLine($"probemonitor: {e.Message}");
    return 2;
}
await app.RunAsync();
return 0;

/// <summary>Entry point; public so the test host (WebApplicationFactory) can find it.</summary>
public partial class Program;
