namespace EdgeRegistry.Status;

/// <summary>
/// Counts a store by reading Distribution's layout directly, read-only, so `edgereg status` can report on a
/// store whose agent is down (and the agent on its own store without locking anything):
/// <code>
/// &lt;root&gt;/docker/registry/v2/
///   blobs/&lt;alg&gt;/&lt;hex[0:2]&gt;/&lt;hex&gt;/data                    one blob, its size is its bytes
///   repositories/&lt;name…&gt;/_manifests/revisions/&lt;alg&gt;/&lt;hex&gt;/link   a manifest of that repository
/// </code>
/// Repository names nest (<c>library/alpine</c>): any directory holding <c>_manifests</c> is a repository, and
/// directories starting with <c>_</c> are never names. A walk costs one stat per blob, so callers cache it.
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

    /// <summary>The directory holding blobs and repositories, as Distribution lays it out under the root.</summary>
    public static string LayoutDirectory(string root) => Path.Combine(root, "docker", "registry", "v2");

    /// <summary>
    /// Walks the store. Throws <see cref="IOException"/> (including a missing root or layout) or
    /// <see cref="UnauthorizedAccessException"/> when the store cannot be read, and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> ends the walk.
    /// </summary>
    public static StoreCounts Count(string root, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"store root {root} does not exist");
        }

        var layout = LayoutDirectory(root);
        if (!Directory.Exists(layout))
        {
            throw new DirectoryNotFoundException($"{root} holds no registry store ({Path.Combine("docker", "registry", "v2")} is missing)");
        }

        var (blobs, bytes) = CountBlobs(Path.Combine(layout, "blobs"), cancellationToken);
        var manifests = new HashSet<string>(StringComparer.Ordinal);
        var repositories = CountRepositories(Path.Combine(layout, "repositories"), manifests, cancellationToken);
        return new StoreCounts(repositories, manifests.Count, blobs, bytes, time.GetUtcNow());
    }

    private static (long Blobs, long Bytes) CountBlobs(string blobsDirectory, CancellationToken cancellationToken)
    {
        long blobs = 0, bytes = 0;
        if (!Directory.Exists(blobsDirectory))
        {
            return (0, 0);
        }

        foreach (var algorithm in Directory.EnumerateDirectories(blobsDirectory, "*", Flat))
        {
            foreach (var prefix in Directory.EnumerateDirectories(algorithm, "*", Flat))
            {
                cancellationToken.ThrowIfCancellationRequested();
                foreach (var blob in Directory.EnumerateDirectories(prefix, "*", Flat))
                {
                    var data = new FileInfo(Path.Combine(blob, "data"));
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

    private static int CountRepositories(string directory, HashSet<string> manifests, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var repositories = 0;
        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.TryPop(out var current))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var child in Directory.EnumerateDirectories(current, "*", Flat))
            {
                var name = Path.GetFileName(child);
                if (name == "_manifests")
                {
                    repositories++;
                    CollectRevisions(Path.Combine(child, "revisions"), manifests);
                }
                else if (!name.StartsWith('_'))
                {
                    pending.Push(child);
                }
            }
        }

        return repositories;
    }

    private static void CollectRevisions(string revisions, HashSet<string> manifests)
    {
        if (!Directory.Exists(revisions))
        {
            return;
        }

        foreach (var algorithm in Directory.EnumerateDirectories(revisions, "*", Flat))
        {
            var algorithmName = Path.GetFileName(algorithm);
            foreach (var revision in Directory.EnumerateDirectories(algorithm, "*", Flat))
            {
                if (File.Exists(Path.Combine(revision, "link")))
                {
                    manifests.Add($"{algorithmName}:{Path.GetFileName(revision)}");
                }
            }
        }
    }
}
