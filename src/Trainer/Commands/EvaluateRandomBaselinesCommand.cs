using System.CommandLine;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`evaluate random-baselines PROTOCOL … --sae DIR --random-sae DIR`: the protocol with the trained SAE and with a random-baseline SAE, side by side with a "beats random?" margin.</summary>
public static class EvaluateRandomBaselinesCommand
{
    /// <summary>Creates the verb: one subcommand per protocol, each taking that protocol's options plus --random-sae.</summary>
    public static Command Create()
    {
        var cmd = new Command("random-baselines", "Run a protocol with the trained SAE and with a random-baseline SAE; report the margin per SAE probe.");
        cmd.Subcommands.Add(EvaluateSparseProbingCommand.Create(randomBaseline: true));
        cmd.Subcommands.Add(EvaluateAnswerabilityCommand.Create(randomBaseline: true));
        cmd.Subcommands.Add(EvaluateToxicityTransferCommand.Create(randomBaseline: true));
        return cmd;
    }
}
