namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>The MachineConfig pools edgereg ships a Butane source for.</summary>
public static class Roles
{
    public static TheoryData<string> All => new() { "master", "worker" };
}
