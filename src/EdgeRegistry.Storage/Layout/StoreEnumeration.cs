using System.IO.Abstractions;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Layout;

/// <summary>
/// Walks the whole store lazily (for replication's inventory at start-up, the garbage collector). Each directory is
/// listed before its entries are returned, so a caller may delete what it was given while it walks on. Entries that
/// do not parse — stray files, partially removed directories — are skipped: enumeration never fails on a foreign tree.
/// </summary>
internal static class StoreEnumeration
{
    public static IEnumerable<BlobInfo> Blobs(IFileSystem fs, StorePaths paths)
    {
        foreach (var algorithm in new[] { DigestAlgorithm.Sha256, DigestAlgorithm.Sha512 })
        {
            string algorithmDirectory = paths.BlobAlgorithmDirectory(Digest.NameOf(algorithm));
            if (!fs.Directory.Exists(algorithmDirectory)) continue;
            foreach (string prefix in SafeDirectories(fs, algorithmDirectory))
            {
                foreach (string blobDirectory in SafeDirectories(fs, prefix))
                {
                    if (!Digest.TryCreate(algorithm, Path.GetFileName(blobDirectory), out var digest)) continue;
                    var data = fs.FileInfo.New(StorePaths.DataFile(blobDirectory));
                    if (data.Exists) yield return new BlobInfo(digest, data.Length);
                }
            }
        }
    }

    public static IEnumerable<(RepositoryName, Digest)> Manifests(IFileSystem fs, StorePaths paths)
    {
        foreach (string name in RepositoryCatalog.List(fs, paths))
        {
            if (!RepositoryName.TryParse(name, out var repository)) continue;
            foreach (var digest in ManifestsIn(fs, paths, repository)) yield return (repository, digest);
        }
    }

    /// <summary>The manifests one repository holds (its revision links), sha256 first.</summary>
    public static IEnumerable<Digest> ManifestsIn(IFileSystem fs, StorePaths paths, RepositoryName repository)
    {
        foreach (var algorithm in new[] { DigestAlgorithm.Sha256, DigestAlgorithm.Sha512 })
        {
            string algorithmDirectory = paths.RevisionsDirectory(repository, Digest.NameOf(algorithm));
            if (!fs.Directory.Exists(algorithmDirectory)) continue;
            foreach (string revision in SafeDirectories(fs, algorithmDirectory))
            {
                if (Digest.TryCreate(algorithm, Path.GetFileName(revision), out var digest)
                    && fs.File.Exists(StorePaths.LinkFile(revision)))
                {
                    yield return digest;
                }
            }
        }
    }

    private static IEnumerable<string> SafeDirectories(IFileSystem fs, string directory)
    {
        try
        {
            return fs.Directory.EnumerateDirectories(directory).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }
}
