namespace EdgeRegistry.Mirrors;

/// <summary>A source repository and the path it is stored under in every edgereg (empty: the registry's root).</summary>
internal sealed record MirroredRepository(RepositoryLocation Source, string MirrorPath)
{
    /// <summary>
    /// The default mapping drops the source's registry host: <c>quay.io/openshift-release-dev/ocp-release</c> is
    /// stored as <c>openshift-release-dev/ocp-release</c>, which is where
    /// <c>skopeo copy docker://quay.io/X docker://NODE:5000/X</c> puts it.
    /// </summary>
    public static MirroredRepository WithDefaultPath(RepositoryLocation source) => new(source, source.Path);

    public string MirrorOn(string hostAndPort) => MirrorPath.Length == 0 ? hostAndPort : $"{hostAndPort}/{MirrorPath}";
}
