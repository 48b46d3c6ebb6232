using Xunit;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>One sidecar over <see cref="ServingBundles"/> for a test class: API key "test-key", a 256 KiB receive limit.</summary>
public sealed class SidecarFixture : IAsyncLifetime
{
    public const string ApiKey = "test-key";
    public const int MaxReceive = 256 * 1024;

    internal ServingBundles Bundles { get; } = new();

    internal Sidecar Sidecar { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Sidecar = await Sidecar.StartAsync(Bundles.Root, ["--api-key", ApiKey, "--Grpc:MaxReceiveMessageSize", MaxReceive.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

    public async Task DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        Bundles.Dispose();
    }
}
