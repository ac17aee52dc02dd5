using System.IO.Pipelines;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Testing.FaultInjection;

namespace EdgeRegistry.Storage.Testing.Support;

/// <summary>
/// A <see cref="RegistryStore"/> on a real temporary directory, reached through the fault-injecting file system
/// and fsync, recovered as at start-up. <see cref="Reopen"/> simulates a restart: a new store on the same root.
/// </summary>
public sealed class StoreFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <param name="root">Where the store lives (e.g. on a scratch mount); a fresh temp directory when null.</param>
    public StoreFixture(StoreOptions? options = null, string? root = null)
    {
        Options = (options ?? new StoreOptions { Root = "unused" }) with { Root = root ?? _dir.Path };
        Fs = new FaultInjectingFileSystem();
        Sync = new FaultInjectingFileSync(Fs.Faults);
        Store = new RegistryStore(Options, Fs, Sync, loggerFactory: null);
        Store.Recover();
    }

    public StoreOptions Options { get; }

    public FaultInjectingFileSystem Fs { get; }

    public FaultPlan Faults => Fs.Faults;

    public FaultInjectingFileSync Sync { get; }

    public RegistryStore Store { get; private set; }

    public string Root => Options.Root;

    public string V2 => Store.Paths.V2;

    /// <summary>A restarted store on the same root (nothing in memory carried over), still fault-injected.</summary>
    public RegistryStore Reopen()
    {
        Store = new RegistryStore(Options, Fs, Sync, loggerFactory: null);
        Store.Recover();
        return Store;
    }

    /// <summary>
    /// The power goes out and comes back: everything not yet made durable (see <see cref="FaultInjection.PowerCut"/>)
    /// is taken back on disk, and the store restarts on the same root.
    /// </summary>
    public RegistryStore PowerCutAndRestart()
    {
        Faults.Clear();
        Faults.PowerCut.Cut();
        return Reopen();
    }

    /// <summary>A store on the same root through the plain real file system, as the production binary opens it.</summary>
    public RegistryStore OpenPlain() => RegistryStore.Open(Options);

    public string BlobDataPath(Digest digest) => Store.Paths.BlobData(digest);

    public string RepositoryPath(string repository) => Store.Paths.Repository(RepositoryName.Parse(repository));

    public Task<BlobInfo> PutBlobAsync(string repository, byte[] content, DigestAlgorithm algorithm = DigestAlgorithm.Sha256) =>
        Store.PutBlobAsync(RepositoryName.Parse(repository), ContentHasher.Compute(algorithm, content), Body(content), content.Length,
            CancellationToken.None);

    public static PipeReader Body(byte[] content) => PipeReader.Create(new MemoryStream(content));

    /// <summary>Every file under the store's v2 tree with its bytes (the temp area is excluded: it is ours to clear).</summary>
    public SortedDictionary<string, byte[]> Snapshot()
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (!Directory.Exists(V2)) return files;
        foreach (string file in Directory.EnumerateFiles(V2, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(Root, file)] = File.ReadAllBytes(file);
        }
        return files;
    }

    /// <summary>Files under the v2 tree that are not upload state: what readers can see.</summary>
    public IReadOnlyList<string> VisibleFiles() =>
        Snapshot().Keys.Where(p => !p.Contains("/_uploads/", StringComparison.Ordinal)).ToList();

    public void Dispose() => _dir.Dispose();
}
