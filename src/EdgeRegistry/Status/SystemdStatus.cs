namespace EdgeRegistry.Status;

/// <summary>The units `edgereg status` reads from systemd; <see cref="Error"/> says why systemd could not be asked at all.</summary>
internal sealed record SystemdStatus(bool Reachable, string? Error, IReadOnlyList<UnitStatus> Units);
