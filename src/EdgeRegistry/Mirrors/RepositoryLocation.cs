using System.Text.RegularExpressions;

namespace EdgeRegistry.Mirrors;

/// <summary>
/// A repository (or a whole registry, or a namespace in one) as mirror sets name it:
/// <c>HOST[:PORT][/PATH]</c> with no tag or digest, e.g. <c>quay.io/openshift-release-dev/ocp-release</c>.
/// </summary>
internal sealed partial record RepositoryLocation(string Registry, string Path)
{
    public override string ToString() => Path.Length == 0 ? Registry : $"{Registry}/{Path}";

    public static RepositoryLocation Parse(string text, string origin)
    {
        var trimmed = text.Trim();
        if (trimmed.Contains("://", StringComparison.Ordinal))
        {
            throw new MirrorInputException($"{origin} \"{text}\": a repository has no scheme; write it as HOST[:PORT]/PATH");
        }

        if (trimmed.Contains('@') || trimmed.Split('/').Skip(1).Any(part => part.Contains(':')))
        {
            throw new MirrorInputException($"{origin} \"{text}\": a mirror source is a repository without a tag or digest");
        }

        var slash = trimmed.IndexOf('/');
        var registry = slash < 0 ? trimmed : trimmed[..slash];
        var path = slash < 0 ? string.Empty : trimmed[(slash + 1)..];
        if (!RegistryPattern().IsMatch(registry))
        {
            throw new MirrorInputException($"{origin} \"{text}\": \"{registry}\" is not a registry host name or address with an optional :PORT");
        }

        // Without a '.', ':' or "localhost" the first component would be read as a Docker Hub namespace.
        if (!registry.Contains('.') && !registry.Contains(':') && registry != "localhost")
        {
            throw new MirrorInputException($"{origin} \"{text}\": must start with the registry host, e.g. docker.io/{trimmed}");
        }

        if (slash >= 0 && !PathPattern().IsMatch(path))
        {
            throw new MirrorInputException(
                $"{origin} \"{text}\": \"{path}\" is not a repository path (lower-case letters, digits and . _ - separators, components joined by '/')");
        }

        return new RepositoryLocation(registry.ToLowerInvariant(), path);
    }

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?$")]
    private static partial Regex RegistryPattern();

    // The distribution reference grammar's path: components of [a-z0-9] runs joined by '.', '_', '__' or '-'s.
    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex PathPattern();
}
