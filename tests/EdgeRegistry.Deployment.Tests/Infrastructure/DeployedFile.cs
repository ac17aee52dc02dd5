namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>A file as a MachineConfig lays it down: decoded contents and the numeric mode.</summary>
internal sealed record DeployedFile(string Path, int Mode, bool Overwrite, string Contents);
