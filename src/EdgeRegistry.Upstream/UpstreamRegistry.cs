namespace EdgeRegistry.Upstream;

/// <summary>One upstream registry and how to reach it.</summary>
/// <param name="Host">HOST[:PORT] as clients name it (no scheme).</param>
/// <param name="PlainHttp">Speak plain HTTP instead of HTTPS (an opt-in, for registries on a trusted network).</param>
/// <param name="BytesPerSecond">Cap on the uplink traffic to this registry; 0: no cap.</param>
public sealed record UpstreamRegistry(string Host, bool PlainHttp = false, long BytesPerSecond = 0)
{
    public Uri BaseAddress => new($"{(PlainHttp ? "http" : "https")}://{Host}/");
}
