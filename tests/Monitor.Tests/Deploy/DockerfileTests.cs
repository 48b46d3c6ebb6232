using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Deploy;

/// <summary>What deploy/Dockerfile will build, checked without Docker (no daemon here): stages, user, ports, the files it
/// copies, and its HEALTHCHECK command run for real against the sidecar.</summary>
public sealed class DockerfileTests
{
    private static readonly int HttpPort = new Uri(MonitorListeners.DefaultUrls).Port;
    private static readonly int GrpcPort = new Uri(MonitorListeners.DefaultGrpcUrls).Port;

    [Fact]
    public void Builds_with_the_sdk_and_runs_on_aspnet_as_a_non_root_user_exposing_both_listeners()
    {
        var instructions = Dockerfile.Load();
        var froms = instructions.Where(i => i.Keyword == "FROM").Select(i => i.Arguments).ToList();
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0]);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", froms[^1]);

        var runtime = instructions.Skip(instructions.FindLastIndex(i => i.Keyword == "FROM")).ToList();
        var user = Assert.Single(runtime, i => i.Keyword == "USER").Arguments;
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });
        var exposed = runtime.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Arguments.Split(' ')).Select(int.Parse).ToList();
        Assert.Equal([HttpPort, GrpcPort], exposed);

        var entry = Assert.Single(runtime, i => i.Keyword == "ENTRYPOINT").ExecForm();
        Assert.Equal(["dotnet", AssemblyName("src/Monitor/ProbeMonitor.Monitor.csproj") + ".dll"], entry);
        var cmd = Assert.Single(runtime, i => i.Keyword == "CMD").ExecForm();
        Assert.Equal(["--urls", $"http://0.0.0.0:{HttpPort}", "--" + MonitorListeners.GrpcUrlsKey, $"http://0.0.0.0:{GrpcPort}"], cmd);

        var health = Assert.Single(runtime, i => i.Keyword == "HEALTHCHECK");
        Assert.Contains("/healthz", health.Arguments);
        Assert.Contains($"/dev/tcp/127.0.0.1/{HttpPort}", health.Arguments);
    }

    [Fact]
    public void Copies_exist_survive_the_dockerignore_and_include_every_referenced_project_before_restore()
    {
        var instructions = Dockerfile.Load();
        var ignore = File.ReadAllLines(Path.Combine(RepoPaths.Root, "deploy", "Dockerfile.dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var copies = instructions.Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .Select(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        Assert.NotEmpty(copies);
        var sources = copies.SelectMany(parts => parts[..^1]).ToList();
        foreach (var source in sources)
        {
            var path = Path.Combine(RepoPaths.Root, source);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"COPY source '{source}' does not exist in the repository");
            Assert.DoesNotContain(ignore, pattern => source.TrimEnd('/').StartsWith(pattern.TrimEnd('/'), StringComparison.Ordinal));
        }

        // Restore runs after the project files alone are copied: every project the sidecar references must be among them.
        int restore = instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var beforeRestore = instructions.Take(restore).Where(i => i.Keyword == "COPY").SelectMany(i => i.Arguments.Split(' ')[..^1]).ToHashSet();
        foreach (var project in ProjectClosure("src/Monitor/ProbeMonitor.Monitor.csproj"))
            Assert.Contains(project, beforeRestore);
        Assert.Contains("Directory.Packages.props", beforeRestore);
        Assert.Contains("Directory.Build.props", beforeRestore);
        Assert.Contains(sources, s => s.TrimEnd('/') == "protos"); // Grpc.Tools compiles them during publish
    }

    [PeerFact("exe:bash")]
    public async Task Healthcheck_command_passes_against_a_live_sidecar_and_fails_without_one()
    {
        var health = Dockerfile.Load().Last(i => i.Keyword == "HEALTHCHECK").ExecForm(after: "CMD");
        Assert.Equal("bash", health[0]);
        var app = MonitorApp.Build(["--Logging:LogLevel:Default=Warning", "--urls", "http://127.0.0.1:0", "--grpc-urls", ""]);
        int port;
        try
        {
            await app.StartAsync();
            port = app.Services.GetRequiredService<MonitorListeners>().BoundHttpEndPoints.Single().Port;
            var live = Run(health, port);
            Assert.True(live.ExitCode == 0, $"healthcheck failed against the sidecar on {port}: {live.StdErr}");
            await app.StopAsync();
        }
        finally
        {
            await app.DisposeAsync();
        }

        // The same port with nothing listening any more.
        var dead = Run(health, port);
        Assert.NotEqual(0, dead.ExitCode);
    }

    private static Peers.ProcessResult Run(string[] command, int port)
    {
        var args = command.Skip(1).Select(a => a.Replace($"/dev/tcp/127.0.0.1/{HttpPort}", $"/dev/tcp/127.0.0.1/{port}", StringComparison.Ordinal));
        return Peers.Run(Peers.FindExecutable(command[0])!, args, null, TimeSpan.FromSeconds(30));
    }

    private static string AssemblyName(string csproj) =>
        XDocument.Load(Path.Combine(RepoPaths.Root, csproj)).Descendants("AssemblyName").Single().Value;

    /// <summary>The project and every project it references, transitively, as repository-relative paths.</summary>
    private static HashSet<string> ProjectClosure(string csproj)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([csproj]);
        while (pending.TryPop(out var project))
        {
            if (!result.Add(project)) continue;
            var dir = Path.GetDirectoryName(Path.Combine(RepoPaths.Root, project))!;
            foreach (var reference in XDocument.Load(Path.Combine(RepoPaths.Root, project)).Descendants("ProjectReference"))
                pending.Push(Path.GetRelativePath(RepoPaths.Root, Path.GetFullPath(Path.Combine(dir, reference.Attribute("Include")!.Value))).Replace('\\', '/'));
        }
        return result;
    }
}
