using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Inference;

MonitorApp.PreferInlineKernels();
WebApplication app;
try
{
    app = MonitorApp.Build(args);
}
catch (ModelLoadException e)
{
    // A start-up error the operator can fix: say what, without a stack trace.
    Console.Error.WriteLine($"probemonitor: {e.Message}");
    return 2;
}
app.Run();
return 0;

/// <summary>Entry point; public so the test host (WebApplicationFactory) can find it.</summary>
public partial class Program;
