using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Collection;

/// <summary>
/// Content the operator keeps whatever the policies say: a manifest digest (in every repository), or
/// <c>repository-pattern:tag-pattern</c> (the manifests those tags point at, and the tags themselves).
/// </summary>
public sealed record CollectionPin(Digest? Digest, GlobPattern? Repository, GlobPattern? Tag)
{
    public bool Pins(string repository, string tag) =>
        Repository is not null && Tag is not null && Repository.Matches(repository) && Tag.Matches(tag);

    public override string ToString() => Digest?.ToString() ?? $"{Repository}:{Tag}";
}
