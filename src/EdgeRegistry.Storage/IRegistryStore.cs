using System.IO.Pipelines;
using EdgeRegistry.Storage.Blobs;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Storage.Referrers;
using EdgeRegistry.Storage.Uploads;

namespace EdgeRegistry.Storage;

/// <summary>
/// The registry's store: everything the distribution API needs, in storage terms. Reads that find nothing
/// return null/false; operations that cannot complete — writes, and reads that hit an I/O error — throw
/// <see cref="StoreException"/> (never a raw IOException). The one exception is <see cref="BlobReader"/>:
/// a read error mid-stream surfaces as IOException, because by then the response is under way. Every write is
/// all-or-nothing: an object becomes visible only once it is complete, digest-verified and durable.
/// </summary>
public interface IRegistryStore
{
    /// <summary>The store's root directory (the directory that holds <c>docker/registry/v2</c>).</summary>
    string Root { get; }

    /// <summary>
    /// Every durable change, raised after it is visible and before the write returns (see <see cref="StoreChange"/>).
    /// Observers are part of the write: one that throws fails it (an I/O error as <see cref="StoreException"/>), so
    /// the client is told and nothing is acknowledged that the observer could not record.
    /// </summary>
    event Action<StoreChange>? Changed;

    /// <summary>The on-disk layout of this store: every path under <see cref="Root"/>.</summary>
    Layout.StorePaths Paths { get; }

    /// <summary>Replication's version records, kept beside the store and as durable as it.</summary>
    Versions.VersionRecords Versions { get; }

    /// <summary>Digests writes are using, which the garbage collector never deletes (see <see cref="Collection.ContentLeases"/>).</summary>
    Collection.ContentLeases Leases { get; }

    /// <summary>When each manifest was last pulled by a client, on any node (see <see cref="Collection.PullRecords"/>).</summary>
    Collection.PullRecords Pulls { get; }

    /// <summary>
    /// The disk guard every write of this store asks first (pushes get its refusal as <see cref="StoreError.SpaceLimit"/>);
    /// copies and imports ask it too, to wait for room instead of failing.
    /// </summary>
    Capacity.DiskGuard Guard { get; }

    /// <summary>
    /// A cheap probe of the store's file system: creates, fsyncs and removes a small file in the temp area, and
    /// when that fails, lists the store's root to tell a store that can still serve (full disk, read-only remount:
    /// <see cref="StoreHealthState.Degraded"/>) from one that cannot be read at all. A hung mount is detected by
    /// the caller's timeout.
    /// </summary>
    StoreHealth CheckHealth();

    // ---- blobs -------------------------------------------------------------------------------------

    /// <summary>The blob if it is committed and linked into <paramref name="repository"/>.</summary>
    BlobInfo? StatBlob(RepositoryName repository, Digest digest);

    /// <summary>Opens a blob linked into <paramref name="repository"/> for reading; null when absent.</summary>
    BlobReader? OpenBlob(RepositoryName repository, Digest digest);

    /// <summary>
    /// Unlinks a blob from <paramref name="repository"/> (the data stays for other repositories until garbage
    /// collection). False when it was not linked. <paramref name="version"/> is the delete's version when it was made
    /// on another node first; the change is raised as <see cref="StoreChangeKind.BlobDeleted"/> so it replicates —
    /// for a replicated delete even when nothing was linked, so its tombstone stops a copy under way from linking it.
    /// </summary>
    bool DeleteBlob(RepositoryName repository, Digest digest, ChangeVersion? version = null);

    /// <summary>
    /// Links a blob that <paramref name="from"/> holds into <paramref name="repository"/>; null when <paramref name="from"/>
    /// does not hold it. With no <paramref name="from"/> (the spec's "mount without from"), any committed blob with
    /// this digest is linked: pulls are anonymous, so naming a digest reveals nothing the pusher could not read.
    /// </summary>
    BlobInfo? MountBlob(RepositoryName repository, Digest digest, RepositoryName? from);

    /// <summary>
    /// Replication's link of a blob whose bytes are already held: false (nothing linked, nothing raised) when the bytes
    /// are not here or the link is tombstoned (deleted from <paramref name="repository"/>); otherwise links it and
    /// raises <see cref="StoreChangeKind.BlobCommitted"/>, under the same revision stripe as a delete of the link.
    /// <paramref name="version"/>: a peer linked the blob again after the delete, at that version; the link is then
    /// made unless the tombstone here outranks it (a delete newer still), and raised with the peer's version, so the
    /// inventory records the peer's link in place of the tombstone rather than a new version of this node's own.
    /// </summary>
    bool LinkReplicatedBlob(RepositoryName repository, Digest digest, ChangeVersion? version = null);

    // ---- uploads -----------------------------------------------------------------------------------

    UploadStatus StartUpload(RepositoryName repository);

    UploadStatus? GetUpload(RepositoryName repository, string uploadId);

    /// <summary>
    /// Appends <paramref name="body"/> to an upload. When <paramref name="expectedOffset"/> is given it must
    /// equal the upload's current length (<see cref="StoreError.UploadOutOfOrder"/> otherwise); when
    /// <paramref name="expectedLength"/> is given the body must hold exactly that many bytes.
    /// </summary>
    Task<UploadStatus> AppendUploadAsync(RepositoryName repository, string uploadId, PipeReader body,
        long? expectedOffset, long? expectedLength, CancellationToken cancellationToken);

    /// <summary>
    /// Appends an optional final chunk, verifies the whole upload against <paramref name="expected"/>,
    /// commits the blob durably, links it into the repository and removes the upload session.
    /// </summary>
    Task<BlobInfo> CompleteUploadAsync(RepositoryName repository, string uploadId, Digest expected,
        PipeReader? finalChunk, long? expectedOffset, long? expectedLength, CancellationToken cancellationToken);

    /// <summary>Stores a whole blob in one request (monolithic upload).</summary>
    Task<BlobInfo> PutBlobAsync(RepositoryName repository, Digest expected, PipeReader body, long? expectedLength,
        CancellationToken cancellationToken);

    bool CancelUpload(RepositoryName repository, string uploadId);

    // ---- manifests and tags -----------------------------------------------------------------------

    /// <summary>
    /// Validates and stores a manifest under <paramref name="reference"/> (a tag or the manifest's own digest).
    /// <paramref name="contentType"/> is the request's Content-Type.
    /// </summary>
    Task<ManifestPutResult> PutManifestAsync(RepositoryName repository, string reference, string? contentType,
        ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The manifest a tag or digest names in <paramref name="repository"/>; null when unknown.</summary>
    StoredManifest? GetManifest(RepositoryName repository, string reference);

    /// <summary>
    /// <see cref="GetManifest"/> for a read no client waits on (a peer copying the store): read and verified as
    /// always, but not kept in the manifest cache, so a peer's rehydration neither fills it with the whole store nor
    /// pushes out what clients pull.
    /// </summary>
    StoredManifest? ReadManifest(RepositoryName repository, string reference);

    /// <summary>
    /// Deletes a manifest by digest (its revision and every tag that points at it) or just a tag. False when unknown.
    /// <paramref name="version"/> is the delete's version when it was made on another node first; a replicated tag
    /// delete outranked by the tag's stored version leaves the tag and answers true (the store holds the outcome).
    /// </summary>
    bool DeleteManifest(RepositoryName repository, string reference, ChangeVersion? version = null);

    /// <summary>The repository's tags in lexical order; null when the repository does not exist.</summary>
    IReadOnlyList<string>? ListTags(RepositoryName repository);

    /// <summary>Every repository that holds at least one manifest, in lexical order.</summary>
    IReadOnlyList<string> ListRepositories();

    // ---- for replication: trusted imports and whole-store enumeration ------------------------------

    /// <summary>Opens a committed blob whatever repository holds it; null when the store lacks it.</summary>
    BlobReader? OpenBlob(Digest digest);

    /// <summary>The committed blob's length whatever repository holds it; null when the store lacks it.</summary>
    long? BlobLength(Digest digest);

    /// <summary>
    /// Starts importing a blob another registry of the cluster serves: bytes go to a temporary file as they arrive and
    /// become the blob only on <see cref="BlobImport.Commit"/>, after the digest (and <paramref name="size"/>, when
    /// given) verified and the data is durable. Disposing an uncommitted import discards it.
    /// </summary>
    BlobImport BeginBlobImport(Digest digest, long? size);

    /// <summary>
    /// Imports a small blob another registry of the cluster served, held whole in <paramref name="content"/>, and links
    /// it into <paramref name="repository"/>: verified against <paramref name="digest"/> before anything is written
    /// (<see cref="StoreError.DigestMismatch"/> otherwise, and nothing is stored), then the data and the layer link
    /// are published in one durable round and <see cref="StoreChangeKind.BlobCommitted"/> is raised after it. A
    /// tombstoned link (the blob was deleted from the repository) is not made again: the data alone is kept, and
    /// nothing is raised. Refused by the disk guard (<see cref="StoreError.SpaceLimit"/>) as
    /// <see cref="BeginBlobImport"/> is; a full or failing disk gives StorageFull or IoFailure and leaves nothing visible.
    /// </summary>
    BlobInfo ImportBlob(Digest digest, ReadOnlyMemory<byte> content, RepositoryName repository);

    /// <summary>
    /// <see cref="ImportBlob"/> for a batch of small blobs (a rehydrating node's objects arrive 16 at a time): each one
    /// verified in memory, and all that verify published in ONE durable round, each announced after it. Per blob, null
    /// when it is stored (linked, or its data alone kept under a tombstone), or the <see cref="StoreError.DigestMismatch"/>
    /// it would have thrown — wrong bytes are not written, and do not stop the others. The disk guard reserves room for
    /// the whole batch; a refusal, a full or a failing disk throws, for all of them, as <see cref="ImportBlob"/> would
    /// (a caller stores them one by one then, to tell the one that does not fit from the rest).
    /// </summary>
    IReadOnlyList<StoreException?> ImportBlobs(IReadOnlyList<SmallBlob> blobs);

    /// <summary>
    /// Stores a manifest another registry of the cluster accepted: digest verified, JSON parsed, referenced blobs
    /// linked into the repository even when their data has not arrived yet. <paramref name="version"/> is the version
    /// the manifest has on the node it came from; null when a delete of it with a version that outranks
    /// <paramref name="version"/> is stored (it landed first, and the revision stays deleted). <paramref name="cache"/>:
    /// keep it in the manifest cache — for a read-through, whose waiting client reads it next; not for a bulk copy
    /// (replication, an import, a repair), which would cycle a whole store's manifests through the cache.
    /// </summary>
    StoredManifest? ImportManifest(RepositoryName repository, Digest digest, ReadOnlyMemory<byte> content, ChangeVersion? version = null,
        bool cache = false);

    /// <summary>
    /// Points a tag at a manifest the repository holds (<see cref="StoreError.ManifestUnknown"/> otherwise), at
    /// <paramref name="version"/> when the change was made on another node first. False when a replicated update is
    /// outranked by the tag's stored version (a newer update landed first) and so was not written.
    /// </summary>
    bool SetTag(RepositoryName repository, string tag, Digest digest, ChangeVersion? version = null);

    /// <summary>
    /// True when the repository holds the manifest (its revision and its bytes), found by two stats without reading
    /// it: for a caller that only decides whether to fetch it. The bytes are not verified (see <see cref="GetReferences"/>).
    /// </summary>
    bool HoldsManifest(RepositoryName repository, Digest digest);

    /// <summary>The references of a manifest the repository holds; null when it does not hold it.</summary>
    ManifestReferences? GetReferences(RepositoryName repository, Digest digest);

    /// <summary>
    /// <see cref="GetReferences"/> for a walk over every manifest of the store: the manifest is not kept in the
    /// manifest cache, which the walk would otherwise fill with the whole store.
    /// </summary>
    ManifestReferences? ReadReferences(RepositoryName repository, Digest digest);

    /// <summary>Every committed blob with its length.</summary>
    IEnumerable<BlobInfo> EnumerateBlobs();

    /// <summary>Every manifest revision of every repository.</summary>
    IEnumerable<(RepositoryName Repository, Digest Digest)> EnumerateManifests();

    /// <summary>The repository's tags with the digest each points at, in lexical order (empty when none).</summary>
    IReadOnlyList<(string Tag, Digest Digest)> ListTagTargets(RepositoryName repository);

    // ---- damage: the scrub's quarantine, also used by reads that find a blob damaged ---------------

    /// <summary>Raised once per damaged blob after it was taken out of service (see <see cref="Quarantine"/>).</summary>
    event Action<Scrub.Damage>? Damaged;

    /// <summary>
    /// Takes a damaged blob out of service at once: its bytes move to the quarantine (never served again), caches and
    /// replication's inventory forget it, <see cref="Damaged"/> is raised. Null when it was already gone.
    /// </summary>
    Scrub.Damage? Quarantine(Digest digest, Scrub.DamageKind kind, string cause);

    /// <summary>Re-hashes a committed blob, asking <paramref name="beforeRead"/> before each chunk (see <see cref="Scrub.BlobVerdict"/>).</summary>
    Task<Scrub.BlobVerdict> VerifyBlobAsync(Digest digest, int chunkBytes, Func<int, CancellationToken, ValueTask> beforeRead,
        CancellationToken cancellationToken);

    /// <summary>The manifests in <paramref name="repository"/> whose subject is <paramref name="subject"/>.</summary>
    IReadOnlyList<ReferrerDescriptor> GetReferrers(RepositoryName repository, Digest subject, string? artifactType);
}
