using System.CommandLine;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`evaluate`: the probing protocols, each a subcommand; `evaluate random-baselines` repeats one with a random SAE beside the trained one.</summary>
public static class EvaluateCommand
{
    /// <summary>Creates the verb with its subcommands.</summary>
    public static Command Create()
    {
        var cmd = new Command("evaluate", "Evaluate probes on activation files: sparse-probing, answerability, toxicity-transfer, random-baselines.");
        cmd.Subcommands.Add(EvaluateSparseProbingCommand.Create(randomBaseline: false));
        cmd.Subcommands.Add(EvaluateAnswerabilityCommand.Create(randomBaseline: false));
        cmd.Subcommands.Add(EvaluateToxicityTransferCommand.Create(randomBaseline: false));
        cmd.Subcommands.Add(EvaluateRandomBaselinesCommand.Create());
        return cmd;
    }
}
