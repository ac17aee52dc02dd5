namespace EdgeRegistry.Mirrors;

/// <summary>
/// What to render: the mirrored repositories (sorted by source, each once), the nodes in the order given, the
/// source policy, and whether the registries serve plain HTTP. Every mirror list is <c>localhost:PORT</c>
/// (the node's own edgereg, on the port the nodes listen on) and then each node.
/// </summary>
internal sealed record MirrorPlan(
    IReadOnlyList<MirroredRepository> Repositories,
    IReadOnlyList<NodeAddress> Nodes,
    MirrorSourcePolicy Policy,
    bool Insecure,
    int LocalPort = NodeAddress.DefaultPort)
{
    // Several sources may share one mirror path: `oc adm release mirror` stores the release image and its
    // payload (ocp-release and ocp-v4.0-art-dev) in one repository; pulls by digest keep them apart.

    /// <summary>The node-local registry every mirror list starts with: each node's own edgereg.</summary>
    public string LocalRegistry => $"localhost:{LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <param name="localPort">
    /// The port of <c>localhost</c>'s mirror; null means the port every node has (given with <c>--node</c>), which
    /// must then be one port: a localhost mirror on 5000 while the nodes serve 5001 would be tried first and fail.
    /// </param>
    public static MirrorPlan Create(
        IEnumerable<NodeAddress> nodes, IEnumerable<MirroredRepository> repositories, MirrorSourcePolicy policy, bool insecure,
        int? localPort = null)
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

        var ports = nodeList.Select(static node => node.Port).Distinct().ToList();
        if (localPort is null && ports.Count > 1)
        {
            throw new MirrorInputException(
                $"the nodes listen on different ports ({string.Join(", ", ports)}): say which one the localhost mirror (each node's own edgereg) uses with --local-port PORT");
        }

        if (localPort is < 1 or > 65535)
        {
            throw new MirrorInputException($"--local-port {localPort}: PORT must be a number from 1 to 65535");
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

        return new MirrorPlan(bySource.Values.ToList(), nodeList, policy, insecure, localPort ?? ports[0]);
    }

    /// <summary>Where <paramref name="repository"/> is pulled from, in order of preference.</summary>
    public IReadOnlyList<string> MirrorsOf(MirroredRepository repository) =>
        new[] { LocalRegistry }.Concat(Nodes.Select(node => node.ToString())).Select(repository.MirrorOn).ToList();

    /// <summary>Every registry the mirrors live on, for <c>insecureRegistries</c>.</summary>
    public IReadOnlyList<string> Registries => new[] { LocalRegistry }.Concat(Nodes.Select(node => node.ToString())).ToList();
}
