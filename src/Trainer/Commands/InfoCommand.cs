using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`info`: what this machine gives the Trainer (runtime, cores, GEMM back end), as text or JSON.</summary>
public static class InfoCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Write machine-readable JSON instead of text." };
        var cmd = new Command("info", "Show the runtime, core count and the GEMM back end in use.") { json };
        cmd.SetAction(parse =>
        {
            var info = new Dictionary<string, object>
            {
                ["runtime"] = RuntimeInformation.FrameworkDescription,
                ["os"] = RuntimeInformation.OSDescription,
                ["cores"] = Environment.ProcessorCount,
                ["gemm_backend"] = Gemm.BackendName,
            };
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(info));
            else
                foreach (var (k, v) in info) Console.WriteLine($"{k,-14}{v}");
            return 0;
        });
        return cmd;
    }
}
