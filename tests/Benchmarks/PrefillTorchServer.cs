using System.Diagnostics;
using System.Text.Json;

namespace ProbeMonitor.Benchmarks;

/// <summary>A Debian python3 process holding the torch reference model; each request runs one timed forward.</summary>
internal sealed class PrefillTorchServer : IDisposable
{
    private readonly Process _process;

    /// <summary>"torch VERSION, N threads, OPENBLAS_CORETYPE=…", as the process reports it.</summary>
    public string Info { get; }

    public PrefillTorchServer(string checkpointDir, int[][] sequences, string? openBlasCoreType)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(PrefillTorchScript.Source);
        psi.Environment["OMP_NUM_THREADS"] = "2";
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        if (openBlasCoreType is not null) psi.Environment["OPENBLAS_CORETYPE"] = openBlasCoreType;
        _process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(new { dir = checkpointDir, sequences }));
        _process.StandardInput.Flush();
        using var ready = JsonDocument.Parse(ReadLine());
        Info = ready.RootElement.GetProperty("info").GetString()!;
    }

    /// <summary>Runs layers 0..<paramref name="upto"/>; returns wall and process CPU milliseconds, and sequence 0's last-token row when asked.</summary>
    public (double WallMs, double CpuMs, float[]? First) Forward(int upto, bool returnFirst = false)
    {
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(new { op = "forward", upto, return_first = returnFirst }));
        _process.StandardInput.Flush();
        using var doc = JsonDocument.Parse(ReadLine());
        var r = doc.RootElement;
        float[]? first = r.TryGetProperty("first", out var f) ? f.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray() : null;
        return (r.GetProperty("ms").GetDouble(), r.GetProperty("cpu_ms").GetDouble(), first);
    }

    private string ReadLine() =>
        _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"the torch reference exited with code {(_process.HasExited ? _process.ExitCode : -1)}");

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("{\"op\": \"quit\"}");
            _process.StandardInput.Close();
            if (!_process.WaitForExit(30_000)) _process.Kill();
        }
        catch (IOException)
        {
        }
        _process.Dispose();
    }
}
