using System.CommandLine;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>The SAE training verbs (train-sae, sae-synthetic), registered together.</summary>
public static class SaeVerbs
{
    /// <summary>Creates each verb.</summary>
    public static IEnumerable<Command> Create() => [TrainSaeCommand.Create(), SaeSyntheticCommand.Create()];
}
