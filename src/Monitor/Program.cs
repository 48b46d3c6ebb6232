using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.LoadGeneration;

// `loadgen …` is a client of a running sidecar; anything else starts the sidecar.
if (LoadGenCommand.IsInvoked(args)) return await LoadGenCommand.InvokeAsync(args);

MonitorApp.PreferInlineKernels();
var app = MonitorApp.Build(args);
await app.RunAsync();
return 0;

/// <summary>Entry point; public so the test host (WebApplicationFactory) can find it.</summary>
public partial class Program;
