namespace EdgeRegistry.Systemd.Units;

/// <summary>One unit's reading: its state, or the error systemd answered for it (an invalid unit name, say).</summary>
public sealed record UnitReport(string Name, UnitState? State, string? Error);
