namespace ProbeMonitor.Datasets;

/// <summary>Which Davidson et al. classes count as positive.</summary>
public enum DavidsonLabeling
{
    /// <summary>Toxic = hate speech (class 0) or offensive (class 1); neither (class 2) is 0.</summary>
    HateOrOffensive,

    /// <summary>Only hate speech (class 0) is 1; offensive and neither are 0.</summary>
    HateOnly,
}
