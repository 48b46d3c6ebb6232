using ProbeMonitor.Trainer.Commands;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>Runs Trainer verbs in-process, capturing stderr; tests that use it share one collection so captures never interleave.</summary>
internal static class CliRunner
{
    public const string Collection = "trainer-cli-stderr";

    public static (int ExitCode, string StdErr) Run(params string[] args)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            return (TrainerCli.Build().Parse(args).Invoke(), error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}

[CollectionDefinition(CliRunner.Collection, DisableParallelization = true)]
public sealed class TrainerCliCollection;
