using EdgeRegistry.Upstream.Client;

namespace EdgeRegistry.Configuration;

/// <summary>Checks of the upstream settings' values, each answering with the problem or null.</summary>
internal static class UpstreamHostCheck
{
    /// <summary>A host-in-path upstream: a lower-case host name or IPv4 address, no port (a repository name cannot hold one).</summary>
    public static string? HostInPathProblem(string text)
    {
        var host = text.Trim();
        if (host.Contains("://", StringComparison.Ordinal)) return "expected HOST without a scheme";
        if (host.Contains(':')) return "a repository name cannot hold a port: reach HOST:PORT through --mirror-set";
        if (host.Contains('/')) return "expected HOST alone, without a path";
        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 && host.Contains('.')
            ? null
            : "expected a registry host name with a dot (as in quay.io) or an IPv4 address";
    }

    /// <summary>HOST[:PORT] as mirror sets name registries.</summary>
    public static string? HostProblem(string text)
    {
        var value = text.Trim();
        if (value.Contains("://", StringComparison.Ordinal) || value.Contains('/')) return "expected HOST[:PORT]";
        var colon = value.LastIndexOf(':');
        var host = colon < 0 ? value : value[..colon];
        if (colon >= 0 && !(ushort.TryParse(value[(colon + 1)..], out var port) && port > 0)) return "expected a port from 1 to 65535";
        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 ? null : "expected HOST[:PORT]";
    }

    public static string? CaFileProblem(string path) => UpstreamHandlerFactory.LoadCaFile(path).Problem;
}
