namespace EdgeRegistry.Status;

/// <summary>One line of `edgereg status`: what it is about, a one-word state, and the details.</summary>
internal sealed record StatusRow(string Concern, string State, RowSeverity Severity, string Detail);
