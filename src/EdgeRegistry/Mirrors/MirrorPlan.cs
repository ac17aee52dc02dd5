namespace EdgeRegistry.Mirrors;

/// <summary>
/// What to render: the mirrored repositories (sorted by source, each once), the nodes in the order given, the
/// source policy, and whether the registries serve plain HTTP. Every mirror list is <c>localhost:5000</c>
/// (the node's own edgereg) and then each node.
/// </summary>
internal sealed record MirrorPlan(
    IReadOnlyList<MirroredRepository> Repositories,
    IReadOnlyList<NodeAddress> Nodes,
    MirrorSourcePolicy Policy,
    bool Insecure)
{
    // Several sources may share one mirror path: `oc adm release mirror` stores the release image and its
    // payload (ocp-release and ocp-v4.0-art-dev) in one repository; pulls by digest keep them apart.

    /// <summary>The node-local registry every mirror list starts with.</summary>
    public const string LocalRegistry = "localhost:5000";

    public static MirrorPlan Create(
        IEnumerable<NodeAddress> nodes, IEnumerable<MirroredRepository> repositories, MirrorSourcePolicy policy, bool insecure)
    {
        var nodeList = nodes.ToList();
        if (nodeList.Count == 0)
        {
            throw new MirrorInputException("no nodes: give each node's registry with --node HOST[:PORT]");
        }

        if (nodeList.GroupBy(node => node).FirstOrDefault(group => group.Count() > 1) is { } repeated)
        {
            throw new MirrorInputException($"--node \"{repeated.Key}\" is listed twice");
        }

        var bySource = new SortedDictionary<string, MirroredRepository>(StringComparer.Ordinal);
        foreach (var repository in repositories)
        {
            var key = repository.Source.ToString();
            if (bySource.TryGetValue(key, out var known) && known.MirrorPath != repository.MirrorPath)
            {
                throw new MirrorInputException(
                    $"source {key} is mirrored at two paths, \"{known.MirrorPath}\" and \"{repository.MirrorPath}\"; keep one");
            }

            bySource[key] = repository;
        }

        if (bySource.Count == 0)
        {
            throw new MirrorInputException("no sources: give --source REPOSITORY or --from FILE (an ICSP, IDMS or ITMS)");
        }

        return new MirrorPlan(bySource.Values.ToList(), nodeList, policy, insecure);
    }

    /// <summary>Where <paramref name="repository"/> is pulled from, in order of preference.</summary>
    public IReadOnlyList<string> MirrorsOf(MirroredRepository repository) =>
        new[] { LocalRegistry }.Concat(Nodes.Select(node => node.ToString())).Select(repository.MirrorOn).ToList();

    /// <summary>Every registry the mirrors live on, for <c>insecureRegistries</c>.</summary>
    public IReadOnlyList<string> Registries => new[] { LocalRegistry }.Concat(Nodes.Select(node => node.ToString())).ToList();
}
