using ProbeMonitor.Monitor.Hosting;

MonitorApp.PreferInlineKernels();
var app = MonitorApp.Build(args);
app.Run();

/// <summary>Entry point; public so the test host (WebApplicationFactory) can find it.</summary>
public partial class Program;
