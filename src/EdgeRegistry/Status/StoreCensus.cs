using System.IO.Abstractions;
using EdgeRegistry.Storage.Layout;

namespace EdgeRegistry.Status;

/// <summary>
/// Counts a store by reading Distribution's layout (drawn in <see cref="StorePaths"/>) directly, read-only, so
/// `edgereg status` can report on a store whose agent is down (and the agent on its own store without locking
/// anything): every <c>blobs/&lt;alg&gt;/&lt;hex[0:2]&gt;/&lt;hex&gt;/data</c> is one blob of its size, every
/// <c>_manifests/revisions/&lt;alg&gt;/&lt;hex&gt;/link</c> one manifest. Repository names nest
/// (<c>library/alpine</c>): any directory holding <c>_manifests</c> is a repository, and directories starting with
/// <c>_</c> are never names. It reads through the store's file-system seam; a walk costs one stat per blob, so
/// callers cache it.
/// </summary>
internal static class StoreCensus
{
    private static readonly EnumerationOptions Flat = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    private static readonly IFileSystem RealFileSystem = new FileSystem();

    /// <summary>The directory holding blobs and repositories, as Distribution lays it out under the root.</summary>
    public static string LayoutDirectory(string root) => new StorePaths(root).V2;

    /// <inheritdoc cref="Count(IFileSystem, string, TimeProvider, CancellationToken)"/>
    public static StoreCounts Count(string root, TimeProvider time, CancellationToken cancellationToken) =>
        Count(RealFileSystem, root, time, cancellationToken);

    /// <summary>
    /// Walks the store. Throws <see cref="IOException"/> (including a missing root or layout) or
    /// <see cref="UnauthorizedAccessException"/> when the store cannot be read, and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> ends the walk.
    /// </summary>
    public static StoreCounts Count(IFileSystem fs, string root, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!fs.Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"store root {root} does not exist");
        }

        var paths = new StorePaths(root);
        if (!fs.Directory.Exists(paths.V2))
        {
            throw new DirectoryNotFoundException($"{root} holds no registry store ({StorePaths.V2Relative} is missing)");
        }

        var (blobs, bytes) = CountBlobs(fs, paths.Blobs, cancellationToken);
        var manifests = new HashSet<string>(StringComparer.Ordinal);
        var repositories = CountRepositories(fs, paths.Repositories, manifests, cancellationToken);
        return new StoreCounts(repositories, manifests.Count, blobs, bytes, time.GetUtcNow());
    }

    private static (long Blobs, long Bytes) CountBlobs(IFileSystem fs, string blobsDirectory, CancellationToken cancellationToken)
    {
        long blobs = 0, bytes = 0;
        if (!fs.Directory.Exists(blobsDirectory))
        {
            return (0, 0);
        }

        foreach (var algorithm in fs.Directory.EnumerateDirectories(blobsDirectory, "*", Flat))
        {
            foreach (var prefix in fs.Directory.EnumerateDirectories(algorithm, "*", Flat))
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var blob in fs.Directory.EnumerateDirectories(prefix, "*", Flat))
                {
                    var data = fs.FileInfo.New(StorePaths.DataFile(blob));
                    // A blob directory without data is a write that never committed (Distribution leaves them too).
                    if (data.Exists)
                    {
                        blobs++;
                        bytes += data.Length;
                    }
                }
            }
        }

        return (blobs, bytes);
    }

    private static int CountRepositories(IFileSystem fs, string directory, HashSet<string> manifests, CancellationToken cancellationToken)
    {
        if (!fs.Directory.Exists(directory))
        {
            return 0;
        }

        var repositories = 0;
        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.TryPop(out var current))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A repository as the catalog counts one (RepositoryCatalog): a _manifests or a _layers child.
            bool repository = false;
            foreach (var child in fs.Directory.EnumerateDirectories(current, "*", Flat))
            {
                var name = Path.GetFileName(child);
                if (name == StorePaths.ManifestsName)
                {
                    repository = true;
                    CollectRevisions(fs, StorePaths.RevisionsIn(child), manifests);
                }
                else if (name == StorePaths.LayersName)
                {
                    repository = true;
                }
                else if (!name.StartsWith('_'))
                {
                    pending.Push(child);
                }
            }
            if (repository) repositories++;
        }

        return repositories;
    }

    private static void CollectRevisions(IFileSystem fs, string revisions, HashSet<string> manifests)
    {
        if (!fs.Directory.Exists(revisions))
        {
            return;
        }

        foreach (var algorithm in fs.Directory.EnumerateDirectories(revisions, "*", Flat))
        {
            var algorithmName = Path.GetFileName(algorithm);
            foreach (var revision in fs.Directory.EnumerateDirectories(algorithm, "*", Flat))
            {
                if (fs.File.Exists(StorePaths.LinkFile(revision)))
                {
                    manifests.Add($"{algorithmName}:{Path.GetFileName(revision)}");
                }
            }
        }
    }
}
