using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ProbeMonitor.TestSupport;

/// <summary>Real, independent programs the tests compare against: Debian's Python stack, promtool, Prometheus, OpenBLAS.</summary>
public static class Peers
{
    /// <summary>Debian's interpreter, where python3-numpy, -sklearn, -torch and -grpcio install; not a pyenv shim.</summary>
    public const string DebianPython = "/usr/bin/python3";

    private static readonly Dictionary<string, bool> ModuleCache = new();

    /// <summary>Whether Debian's python3 can import the module.</summary>
    public static bool HasPythonModule(string module)
    {
        lock (ModuleCache)
        {
            if (ModuleCache.TryGetValue(module, out var known)) return known;
            var ok = File.Exists(DebianPython) && Run(DebianPython, ["-c", $"import {module}"], null, TimeSpan.FromSeconds(60)).ExitCode == 0;
            ModuleCache[module] = ok;
            return ok;
        }
    }

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? FindExecutable(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Whether a native library can be loaded by name.</summary>
    public static bool HasNativeLibrary(string name)
    {
        if (!NativeLibrary.TryLoad(name, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>Runs a Python script on Debian's interpreter with the given stdin and returns stdout; throws with stderr on failure.</summary>
    public static string RunPython(string script, string? stdin = null, TimeSpan? timeout = null)
    {
        var result = Run(DebianPython, ["-c", script], stdin, timeout ?? TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"python3 exited {result.ExitCode}:\n{result.StdErr}");
        return result.StdOut;
    }

    /// <summary>The outcome of a finished process.</summary>
    public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

    /// <summary>Runs a program to completion, killing it at the timeout.</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> args, string? stdin, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        // The peer gets the same thread budget as our side (Parallel.For and OpenBLAS use every core).
        string threads = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["OMP_NUM_THREADS"] = threads;
        psi.Environment["OPENBLAS_NUM_THREADS"] = threads;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} ran past {timeout}");
        }
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}
