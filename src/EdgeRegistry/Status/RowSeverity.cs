namespace EdgeRegistry.Status;

/// <summary>How much one line of `edgereg status` weighs in the verdict.</summary>
internal enum RowSeverity
{
    Ok,

    /// <summary>Makes the verdict DEGRADED.</summary>
    Warning,

    /// <summary>Makes the verdict DOWN.</summary>
    Failure,
}
