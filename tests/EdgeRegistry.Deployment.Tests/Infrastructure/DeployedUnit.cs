namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>A systemd unit as a MachineConfig installs it.</summary>
internal sealed record DeployedUnit(string Name, bool Enabled, string Contents);
