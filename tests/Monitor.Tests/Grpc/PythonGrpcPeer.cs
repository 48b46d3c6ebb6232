using System.Diagnostics;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>Debian's python3-grpcio as an independent gRPC peer: protoc-generated messages, the scripts in Grpc/Python/.</summary>
internal static class PythonGrpcPeer
{
    public static string Script(string name) => Path.Combine(RepoPaths.Root, "tests", "Monitor.Tests", "Grpc", "Python", name);

    /// <summary>Generates probe_monitor_pb2.py and health_pb2.py with protoc into a fresh temp dir (callers delete it).</summary>
    public static string GenerateMessages()
    {
        var dir = RepoPaths.NewTempDir("pm-grpc-pb2");
        var protos = Path.Combine(RepoPaths.Root, "protos");
        var result = Peers.Run(Peers.FindExecutable("protoc")!, [$"--python_out={dir}", $"-I{protos}",
            Path.Combine(protos, "probe_monitor.proto"), Path.Combine(protos, "health.proto")], null, TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0) throw new InvalidOperationException($"protoc failed ({result.ExitCode}): {result.StdErr}");
        return dir;
    }

    /// <summary>A running peer_server.py; disposing kills it by its process id.</summary>
    public sealed class Server : IDisposable
    {
        private readonly Process _process;

        private Server(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public Uri Address => new($"http://127.0.0.1:{Port}");

        public static async Task<Server> StartAsync(string pb2Dir)
        {
            var psi = new ProcessStartInfo(Peers.DebianPython)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(Script("peer_server.py"));
            psi.ArgumentList.Add(pb2Dir);
            psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
            var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
            try
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
                if (!int.TryParse(line, out var port))
                    throw new InvalidOperationException($"peer_server.py printed '{line}' instead of a port: {await process.StandardError.ReadToEndAsync()}");
                _ = process.StandardError.ReadToEndAsync(); // drain, so a chatty server never blocks on a full pipe
                return new Server(process, port);
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            _process.Dispose();
        }
    }
}
