using EdgeRegistry.Import.Media;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import.Publishing;

/// <summary>
/// One import: reads every source once, front to back, and publishes in dependency order.
/// <list type="number">
/// <item>While reading, each blob goes straight from the medium into the store (<see cref="IImportTarget.CommitBlobAsync"/>:
/// hashed as written, visible only once verified and durable) — or is skipped unread when the store already holds
/// it. A blob is never a reference, so committing it early can leave nothing dangling. Manifest bytes, revision and tag
/// links, OCI indexes and resource files are small and kept in memory, because in an archive they may come before or
/// after the blobs they need (a tag symlink can precede its target).</item>
/// <item>Then every manifest the medium names is published, children before their index and only when every blob it
/// references is on the medium (and verified) or already in the store; one that is not is reported by name and
/// skipped, with whatever depends on it.</item>
/// <item>Then the tags, each only once its manifest is in.</item>
/// </list>
/// A cut at any moment leaves verified blobs and complete manifests; running again skips what is present.
/// </summary>
public sealed partial class ImportSession
{
    private readonly IImportTarget _target;
    private readonly ImportOptions _options;
    private readonly ImportProgress _progress;

    /// <summary>Manifest candidates: manifest files and small JSON blobs of the medium, by digest.</summary>
    private readonly Dictionary<Digest, byte[]> _json = [];

    /// <summary>Blobs the medium delivered (verified and committed, or already in the store; in a dry run, would be).</summary>
    private readonly HashSet<Digest> _available = [];

    /// <summary>Blobs asked of the store and found missing there.</summary>
    private readonly HashSet<Digest> _absent = [];

    /// <summary>Entry name → digest of the blob or manifest file it held, for hard links to it.</summary>
    private readonly Dictionary<string, Digest> _entryDigests = new(StringComparer.Ordinal);

    private readonly List<(RepositoryName Repository, Digest Digest, EntryPosition Position)> _manifestClaims = [];
    private readonly List<(RepositoryName Repository, string Tag, Digest Digest, EntryPosition Position)> _tagClaims = [];
    private readonly Dictionary<string, ImportedResource> _resources = new(StringComparer.Ordinal);
    private readonly List<ImportProblem> _problems = [];
    private readonly Dictionary<(RepositoryName, Digest), string> _manifestStates = [];
    private readonly Dictionary<(RepositoryName, Digest), List<string>> _manifestTags = [];

    /// <summary>Blobs the medium left out that the store lacked, copied from the cluster's peers.</summary>
    private int _blobsFetched;
    private long _bytesFetched;

    private int _blobsImported, _blobsPresent, _manifestsImported, _manifestsPresent, _tagsSet, _tagsPresent;
    private long _bytesImported, _bytesPresent;

    public ImportSession(IImportTarget target, ImportOptions options, ImportProgress? progress = null)
    {
        _target = target;
        _options = options;
        _progress = progress ?? new ImportProgress();
    }

    public async Task<ImportResult> RunAsync(IReadOnlyList<IMediaSource> sources, CancellationToken cancellationToken)
    {
        _progress.TotalBytes = sources.Sum(static source => source.TotalBytes);
        bool completed = true;
        try
        {
            foreach (var source in sources)
            {
                _progress.Start(source);
                try
                {
                    foreach (var entry in source.Entries())
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await HandleAsync(entry, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (MediaException e)
                {
                    // The rest of this medium is unreadable; what it delivered so far is verified and still goes in.
                    Problem("medium", source.Name, e.Message, null);
                    completed = false;
                }
                finally
                {
                    _progress.Finish(source);
                }
            }

            _progress.Phase = "publishing";
            await PublishAsync(cancellationToken).ConfigureAwait(false);
            if (_options.DryRun && _bytesImported > 0
                && await _target.SpaceRefusalAsync(_bytesImported, "this import", cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                // The writes would reserve through the same guard: say now that they would be refused.
                Problem("space", "store", refusal, null);
            }
        }
        catch (StoreException e) when (IsFatal(e))
        {
            Problem(e.Error is StoreError.SpaceLimit or StoreError.StorageFull ? "space" : "store", "store", $"the import stopped: {e.Message}", null);
            completed = false;
        }
        catch (OperationCanceledException)
        {
            Problem("interrupted", "import", "interrupted; run the same import again to resume (present content is skipped)", null);
            completed = false;
        }

        _progress.Phase = "done";
        return new ImportResult(BuildReport(sources, completed), _resources.Values.OrderBy(static r => r.FileName, StringComparer.Ordinal).ToList());
    }

    /// <summary>Errors that stop the whole import (a full store, a failing disk), not just the one manifest or tag.</summary>
    private static bool IsFatal(StoreException e) => e.Error is StoreError.StorageFull or StoreError.SpaceLimit or StoreError.IoFailure;

    private void Problem(string kind, string subject, string message, EntryPosition? position) =>
        _problems.Add(new ImportProblem(kind, subject, message, position?.ToString()));

    private ImportReport BuildReport(IReadOnlyList<IMediaSource> sources, bool completed)
    {
        var manifests = _manifestStates
            .Select(pair => new ImportedManifest(pair.Key.Item1.Value, pair.Key.Item2.ToString(),
                _manifestTags.TryGetValue(pair.Key, out var tags) ? [.. tags.Distinct().Order(StringComparer.Ordinal)] : [], pair.Value))
            .OrderBy(static m => m.Repository, StringComparer.Ordinal).ThenBy(static m => m.Digest, StringComparer.Ordinal)
            .ToArray();
        return new ImportReport
        {
            DryRun = _options.DryRun,
            Completed = completed,
            Sources = [.. sources.Select(static s => s.Name)],
            Repositories = manifests.Where(static m => m.State != ManifestStates.Skipped).Select(static m => m.Repository).Distinct().Count(),
            ManifestsImported = _manifestsImported,
            ManifestsPresent = _manifestsPresent,
            TagsSet = _tagsSet,
            TagsPresent = _tagsPresent,
            BlobsImported = _blobsImported,
            BlobBytesImported = _bytesImported,
            BlobsPresent = _blobsPresent,
            BlobBytesPresent = _bytesPresent,
            BlobsFetched = _blobsFetched,
            BlobBytesFetched = _bytesFetched,
            BytesNeeded = _bytesImported,
            Manifests = manifests,
            Resources = [.. _resources.Keys.Order(StringComparer.Ordinal)],
            Problems = [.. _problems],
        };
    }
}
