using System.CommandLine;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>The Trainer's command tree; each verb lives in its own file and is added here.</summary>
public static class TrainerCli
{
    /// <summary>Builds the root command with every verb.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("ProbeMonitor Trainer: extract activations, train SAEs, evaluate probes, export probe bundles.");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(InitModelCommand.Create());
        root.Subcommands.Add(ExtractCommand.Create());
        root.Subcommands.Add(TokenizeCommand.Create());
        root.Subcommands.Add(PrepareCommand.Create());
        root.Subcommands.Add(TrainTokenizerCommand.Create());
        foreach (var verb in SaeVerbs.Create()) root.Subcommands.Add(verb);
        return root;
    }
}
