using Microsoft.Extensions.Configuration;
using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Monitor.EmbeddedDefault;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.EmbeddedDefault;

/// <summary>When the sidecar falls back to the embedded default, and the error a malformed switch gets.</summary>
public sealed class EmbeddedDefaultSelectionTests
{
    private static IConfiguration Config(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    [Fact]
    public void A_value_other_than_true_or_false_is_refused_naming_the_key()
    {
        var config = Config((EmbeddedDefaultSelection.Key, "maybe"));
        var e = Assert.Throws<FormatException>(() => EmbeddedDefaultSelection.Apply(MonitorOptions.FromConfiguration(config), config, null));
        Assert.Contains("'embedded-default' is 'maybe'", e.Message);
        Assert.Contains("true or false", e.Message);
    }

    [Theory]
    [InlineData("probes")]
    [InlineData("model")]
    public void An_explicit_model_or_probes_directory_turns_the_default_off(string key)
    {
        var config = Config((key, "/somewhere"));
        var options = MonitorOptions.FromConfiguration(config);
        Assert.Same(options, EmbeddedDefaultSelection.Apply(options, config, null));
    }

    [Fact]
    public void False_turns_the_default_off()
    {
        var config = Config((EmbeddedDefaultSelection.Key, "false"));
        var options = MonitorOptions.FromConfiguration(config);
        Assert.Same(options, EmbeddedDefaultSelection.Apply(options, config, null));
    }

    [Fact]
    public void With_nothing_given_the_options_point_at_the_materialised_model_and_its_bundles()
    {
        // The default cache root, as the executable uses it (the environment is not changed here: tests that start the
        // executable in this process's test run materialise into the same place, and generation is idempotent).
        var config = Config();
        var log = new StringWriter();
        var options = EmbeddedDefaultSelection.Apply(MonitorOptions.FromConfiguration(config), config, log);
        var expected = EmbeddedDefaultModel.Materialize();
        Assert.Equal(expected.ModelDirectory, options.ModelDir);
        Assert.Equal(expected.ProbesDirectory, options.ProbesDir);
        Assert.Equal(expected.TokenizerPath, options.TokenizerPath);
        Assert.Equal(EmbeddedDefaultModel.ModelId, options.ModelId);
        Assert.Contains("serving the embedded default", log.ToString());
    }
}
