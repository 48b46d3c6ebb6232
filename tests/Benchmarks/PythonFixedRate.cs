using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Benchmarks;

/// <summary>Runs Python/unary_fixed_rate.py (Debian's python3-grpcio) against a server and reads back its JSON summary.</summary>
internal static class PythonFixedRate
{
    private const string Python = Peers.DebianPython;

    /// <summary>What one open-loop run measured, in µs from each call's scheduled send.</summary>
    public sealed record Result(double P50Us, double P99Us, double MaxUs, double AchievedPerSecond, string Failures, double LagP50Us, double LagP99Us);

    /// <summary>Why the Python client cannot run here, or null when it can.</summary>
    public static string? Missing() =>
        Peers.HasPythonModule("grpc") ? null : "no /usr/bin/python3 with grpcio (apt-get install python3-grpcio, or .ci/install-peers)";

    /// <summary>Sends the serialized request in <paramref name="requestFile"/> to <paramref name="methodPath"/> at
    /// <paramref name="rate"/> calls/s for <paramref name="seconds"/> s (after 500 warm-up calls).</summary>
    public static async Task<Result> RunAsync(Uri target, string methodPath, string requestFile, int rate, int seconds)
    {
        string script = Path.Combine(RepoPaths.Root, "tests", "Benchmarks", "Python", "unary_fixed_rate.py");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, $"{target.Host}:{target.Port}", methodPath, requestFile,
                     rate.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"unary_fixed_rate.py exited with {process.ExitCode}: {await stderr}");
        using var json = JsonDocument.Parse(await stdout);
        var root = json.RootElement;
        var failures = string.Join(", ", root.GetProperty("failures").EnumerateObject().Select(f => $"{f.Value.GetInt32()} {f.Name}"));
        return new Result(root.GetProperty("p50_us").GetDouble(), root.GetProperty("p99_us").GetDouble(), root.GetProperty("max_us").GetDouble(),
            root.GetProperty("achieved_per_s").GetDouble(), failures.Length == 0 ? "none" : failures,
            root.GetProperty("lag_p50_us").GetDouble(), root.GetProperty("lag_p99_us").GetDouble());
    }

    /// <summary>Debian's python3-grpcio serving <paramref name="responseFile"/>'s bytes as every unary answer
    /// (Python/echo_server.py): the peer echo; stopped by disposing.</summary>
    public sealed class EchoServer : IDisposable
    {
        private readonly Process _process;

        private EchoServer(Process process, Uri address) => (_process, Address) = (process, address);

        /// <summary>Where it listens (h2c on loopback).</summary>
        public Uri Address { get; }

        public static async Task<EchoServer> StartAsync(string responseFile)
        {
            string script = Path.Combine(RepoPaths.Root, "tests", "Benchmarks", "Python", "echo_server.py");
            var psi = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(responseFile);
            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line?.Split(' ') is not ["port", var port])
            {
                process.Kill();
                process.Dispose();
                throw new InvalidOperationException($"echo_server.py did not print its port (got '{line}')");
            }
            return new EchoServer(process, new Uri($"http://127.0.0.1:{port}"));
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.Close();
                if (!_process.WaitForExit(10_000)) _process.Kill();
            }
            catch (InvalidOperationException)
            {
            }
            _process.Dispose();
        }
    }
}
