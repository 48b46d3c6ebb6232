using System.Diagnostics;
using System.Text.Json;

namespace ProbeMonitor.Benchmarks;

/// <summary>A Debian python3 process holding the torch reference model; each request runs one timed forward.</summary>
internal sealed class PrefillTorchServer : IDisposable
{
    private readonly Process _process;

    /// <summary>"torch VERSION, N threads, OPENBLAS_CORETYPE=…", as the process reports it.</summary>
    public string Info { get; }

    /// <summary>Loads the F32 checkpoint in <paramref name="checkpointDir"/>; <paramref name="sequences"/> may differ in length
    /// (a pass over several right-pads them).</summary>
    public PrefillTorchServer(string checkpointDir, int[][] sequences, string? openBlasCoreType, int threads = 2)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(PrefillTorchScript.Source);
        psi.Environment["OMP_NUM_THREADS"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        if (openBlasCoreType is not null) psi.Environment["OPENBLAS_CORETYPE"] = openBlasCoreType;
        _process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(new { dir = checkpointDir, sequences, threads }));
        _process.StandardInput.Flush();
        using var ready = JsonDocument.Parse(ReadLine());
        Info = ready.RootElement.GetProperty("info").GetString()!;
    }

    /// <summary>Runs layers 0..<paramref name="upto"/> over the sequences numbered <paramref name="rows"/> (all when null) in
    /// one pass; returns wall and process CPU milliseconds, and the first row's last-token residual when asked.</summary>
    public (double WallMs, double CpuMs, float[]? First) Forward(int upto, bool returnFirst = false, int[]? rows = null)
    {
        _process.StandardInput.WriteLine(rows is null
            ? JsonSerializer.Serialize(new { op = "forward", upto, return_first = returnFirst })
            : JsonSerializer.Serialize(new { op = "forward", upto, return_first = returnFirst, rows }));
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
