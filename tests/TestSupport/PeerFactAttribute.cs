using Xunit;

namespace ProbeMonitor.TestSupport;

/// <summary>A fact that compares against a real peer and skips, saying how to install it, when the peer is absent.</summary>
/// <remarks>Requirements are strings: "python:MODULE" (Debian python3 can import it), "exe:NAME" (on PATH), "lib:NAME" (native library loads).</remarks>
public sealed class PeerFactAttribute : FactAttribute
{
    /// <summary>Skip unless every requirement is met.</summary>
    public PeerFactAttribute(params string[] requirements) => Skip = PeerRequirements.Missing(requirements);
}

/// <summary>A theory that needs real peers, as <see cref="PeerFactAttribute"/>.</summary>
public sealed class PeerTheoryAttribute : TheoryAttribute
{
    /// <summary>Skip unless every requirement is met.</summary>
    public PeerTheoryAttribute(params string[] requirements) => Skip = PeerRequirements.Missing(requirements);
}

/// <summary>Evaluates peer requirement strings.</summary>
public static class PeerRequirements
{
    /// <summary>Null when all are met, else a skip reason naming the first missing one and its Debian package.</summary>
    public static string? Missing(IEnumerable<string> requirements)
    {
        foreach (var req in requirements)
        {
            var (kind, name) = req.IndexOf(':') is var i and > 0 ? (req[..i], req[(i + 1)..]) : ("exe", req);
            bool ok = kind switch
            {
                "python" => Peers.HasPythonModule(name),
                "exe" => Peers.FindExecutable(name) is not null,
                "lib" => Peers.HasNativeLibrary(name),
                _ => throw new ArgumentException($"unknown peer kind '{kind}' in '{req}'"),
            };
            if (!ok) return $"peer absent: {req} (.ci/run installs it: {DebianPackageFor(kind, name)})";
        }
        return null;
    }

    private static string DebianPackageFor(string kind, string name) => (kind, name) switch
    {
        ("python", "sklearn") => "apt-get install python3-sklearn",
        ("python", "grpc") => "apt-get install python3-grpcio",
        ("python", var m) => $"apt-get install python3-{m}",
        ("lib", _) => "apt-get install libopenblas0",
        ("exe", "promtool" or "prometheus") => "apt-get install prometheus",
        ("exe", "protoc") => "apt-get install protobuf-compiler",
        ("exe", "docker-compose") => "apt-get install docker-compose",
        _ => $"install {name}",
    };
}
