using ProbeMonitor.Monitor.Hosting;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Hosting;

public sealed class ContentRootDefaultTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pm-contentroot-").FullName;
    private readonly string _work;
    private readonly string _bin;

    public ContentRootDefaultTests()
    {
        _work = Directory.CreateDirectory(Path.Combine(_root, "work")).FullName;
        _bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        File.WriteAllText(Path.Combine(_bin, "appsettings.json"), "{}");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string? NoEnvironment(string name) => null;

    [Fact]
    public void Started_elsewhere_the_content_root_is_the_executables_directory()
    {
        var args = ContentRootDefault.Apply(["--probes", "p"], _work, _bin, NoEnvironment);
        Assert.Equal(["--contentRoot", _bin, "--probes", "p"], args);
    }

    [Fact]
    public void A_working_directory_with_its_own_settings_keeps_them()
    {
        File.WriteAllText(Path.Combine(_work, "appsettings.json"), "{}");
        Assert.Equal(["--probes", "p"], ContentRootDefault.Apply(["--probes", "p"], _work, _bin, NoEnvironment));
    }

    [Theory]
    [InlineData("--contentRoot", "/srv/pm")]
    [InlineData("--contentRoot=/srv/pm", null)]
    [InlineData("--contentroot", "/srv/pm")]
    public void An_explicit_content_root_argument_wins(string key, string? value)
    {
        string[] given = value is null ? [key] : [key, value];
        Assert.Equal(given, ContentRootDefault.Apply(given, _work, _bin, NoEnvironment));
    }

    [Theory]
    [InlineData("ASPNETCORE_CONTENTROOT")]
    [InlineData("DOTNET_CONTENTROOT")]
    public void A_content_root_variable_wins(string variable)
    {
        Assert.Empty(ContentRootDefault.Apply([], _work, _bin, name => name == variable ? "/srv/pm" : null));
    }

    [Fact]
    public void Without_shipped_settings_nothing_changes()
    {
        File.Delete(Path.Combine(_bin, "appsettings.json"));
        Assert.Empty(ContentRootDefault.Apply([], _work, _bin, NoEnvironment));
    }
}
