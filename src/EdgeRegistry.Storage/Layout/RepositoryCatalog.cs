using System.IO.Abstractions;

namespace EdgeRegistry.Storage.Layout;

/// <summary>
/// Lists repositories the way Distribution does: any directory under <c>repositories/</c> that has a
/// <c>_manifests</c> child is a repository; directories starting with "_" are repository internals and not
/// descended into.
/// </summary>
internal static class RepositoryCatalog
{
    public static List<string> List(IFileSystem fs, StorePaths paths)
    {
        var names = new List<string>();
        if (fs.Directory.Exists(paths.Repositories)) Walk(fs, paths.Repositories, prefix: "", names);
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static void Walk(IFileSystem fs, string directory, string prefix, List<string> names)
    {
        foreach (string child in fs.Directory.EnumerateDirectories(directory))
        {
            string name = Path.GetFileName(child);
            if (name.StartsWith('_')) continue;
            string repository = prefix.Length == 0 ? name : prefix + "/" + name;
            if (fs.Directory.Exists(Path.Combine(child, StorePaths.ManifestsName))) names.Add(repository);
            Walk(fs, child, repository, names);
        }
    }
}
