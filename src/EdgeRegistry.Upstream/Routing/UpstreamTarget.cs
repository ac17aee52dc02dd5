namespace EdgeRegistry.Upstream.Routing;

/// <summary>A repository as the upstream names it.</summary>
public sealed record UpstreamTarget(UpstreamRegistry Registry, string Repository)
{
    public override string ToString() => $"{Registry.Host}/{Repository}";
}
