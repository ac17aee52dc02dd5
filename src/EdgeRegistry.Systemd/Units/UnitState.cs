namespace EdgeRegistry.Systemd.Units;

/// <summary>
/// A unit as systemd reports it. <see cref="LoadState"/> is "loaded", "not-found", "masked", …;
/// <see cref="ActiveState"/> "active", "inactive", "failed", …; <see cref="SubState"/> the type-specific state
/// ("running", "dead"). The timestamp is null when the unit never entered the active state; <see cref="MainPID"/>
/// is null when no main process runs; both service fields are null for units that are not services.
/// </summary>
public sealed record UnitState(
    string Name,
    string LoadState,
    string ActiveState,
    string SubState,
    DateTimeOffset? ActiveEnterTimestamp,
    uint? MainPID,
    uint? NRestarts)
{
    /// <summary>What systemd says of a unit it has no file for.</summary>
    public static UnitState NotFound(string name) => new(name, "not-found", "inactive", "dead", null, null, null);
}
