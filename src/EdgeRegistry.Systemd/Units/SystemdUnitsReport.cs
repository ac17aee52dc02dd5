namespace EdgeRegistry.Systemd.Units;

/// <summary>
/// The result of reading several units at once. When systemd could not be asked at all (no bus, bus silent, no
/// systemd on it) <see cref="UnreachableReason"/> says why and <see cref="Units"/> is empty.
/// </summary>
public sealed record SystemdUnitsReport(IReadOnlyList<UnitReport> Units, string? UnreachableReason)
{
    public bool Reachable => UnreachableReason is null;

    /// <summary>A line for the operator, e.g. "systemd not reachable over D-Bus: cannot connect to D-Bus: …".</summary>
    public string? UnreachableMessage => UnreachableReason is null ? null : "systemd not reachable over D-Bus: " + UnreachableReason;

    public static SystemdUnitsReport Unreachable(string reason) => new([], reason);
}
