namespace EdgeRegistry.Systemd.Tests.Units;

/// <summary>A unit the fake systemd knows. <see cref="Loaded"/> false means GetUnit does not find it until LoadUnit.</summary>
internal sealed record FakeUnit(
    string Name, bool Loaded, string LoadState, string ActiveState, string SubState, ulong ActiveEnterUsec, uint MainPid, uint Restarts);
