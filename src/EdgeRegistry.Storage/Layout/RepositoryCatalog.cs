using System.IO.Abstractions;

namespace EdgeRegistry.Storage.Layout;

/// <summary>
/// Lists repositories: any directory under <c>repositories/</c> that has a <c>_manifests</c> or a <c>_layers</c> child
/// is a repository; directories starting with "_" are repository internals and not descended into. Distribution keys on
/// <c>_layers</c> alone, which leaves out a repository holding only an index; keying on <c>_manifests</c> alone left out
/// a repository whose push stopped after its blobs (the client never sent the manifest) — so the collector never swept
/// its layer links, and their blobs' data went while the links stayed. Either child makes a repository here.
/// </summary>
internal static class RepositoryCatalog
{
    public static List<string> List(IFileSystem fs, StorePaths paths)
    {
        var names = new List<string>();
        foreach (var (directory, name) in NameDirectories(fs, paths))
        {
            if (fs.Directory.Exists(Path.Combine(directory, StorePaths.ManifestsName))
                || fs.Directory.Exists(Path.Combine(directory, StorePaths.LayersName))) names.Add(name);
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// Every directory under <c>repositories/</c> that is (part of) a repository name, with that name, never entering
    /// a repository's internals: a walk of these costs one listing per name component, where a recursive search of
    /// the tree would list every layer link and revision (and queue their paths: ~30 MB for 100 k layer links).
    /// </summary>
    public static IEnumerable<(string Directory, string Name)> NameDirectories(IFileSystem fs, StorePaths paths)
    {
        if (!fs.Directory.Exists(paths.Repositories)) yield break;
        var pending = new Stack<(string Directory, string Name)>();
        pending.Push((paths.Repositories, ""));
        while (pending.TryPop(out var current))
        {
            foreach (string child in fs.Directory.EnumerateDirectories(current.Directory))
            {
                string name = Path.GetFileName(child);
                if (name.StartsWith('_')) continue;
                var named = (child, current.Name.Length == 0 ? name : current.Name + "/" + name);
                yield return named;
                pending.Push(named);
            }
        }
    }
}
