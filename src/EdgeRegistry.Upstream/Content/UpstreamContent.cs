using System.Collections.Concurrent;
using System.Net;
using EdgeRegistry.Content;
using EdgeRegistry.Content.Transfer;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using EdgeRegistry.Storage.Naming;
using EdgeRegistry.Upstream.Client;
using EdgeRegistry.Upstream.Cluster;
using EdgeRegistry.Upstream.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Upstream.Content;

/// <summary>
/// The pull-through cache: the last content source, asked after the local store and the peers. A repository the
/// mirror sets or the host-in-path convention map to an upstream is fetched from there into the store, where it is
/// ordinary content (it replicates, pushes beside it keep working). Blobs stream to the client while they are stored
/// and verified; a blob is fetched over the uplink by one member of the cluster (<see cref="UplinkOwner"/>), the
/// others read it through from that member; the blob HEADs of complete-or-404 checks are asked of that member too
/// (<see cref="OwnerBlobHeads"/>), so each also crosses the uplink once per cluster. Tags are checked upstream at most once per refresh interval, and while
/// the upstream cannot be reached the cached tag is served for as long as that lasts: nothing expires offline.
/// </summary>
internal sealed partial class UpstreamContent : IContentSource
{
    /// <summary>
    /// A tag check holds up a pull of a tag the store already has: a silent uplink (a cut link keeps pooled connections
    /// open) costs that pull this much once per refresh interval, then the cached tag is served.
    /// </summary>
    private static readonly TimeSpan TagCheckTimeout = TimeSpan.FromSeconds(3);

    private readonly IRegistryStore _store;
    private readonly UpstreamResolver _resolver;
    private readonly UpstreamClients _clients;
    private readonly UplinkOwner? _owner;
    private readonly HttpClient? _members;
    private readonly UpstreamCounters _counters;
    private readonly UpstreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BlobFlights _flights = new();
    private readonly UplinkTransfer _transfer;
    private readonly ManifestFetcher _manifests;
    private readonly UplinkFlights<(string Repository, string Reference), StoredManifest?> _manifestFlights = new();
    private readonly OwnerManifests? _ownerManifests;
    /// <summary>When each cached tag was last checked upstream (in memory: after a restart the first pull checks again).</summary>
    private readonly ConcurrentDictionary<(string Repository, string Tag), DateTimeOffset> _tagChecked = new();
    private readonly BlobHeads _heads;
    private readonly OwnerBlobHeads? _ownerHeads;

    public UpstreamContent(IRegistryStore store, UpstreamResolver resolver, UpstreamClients clients, IUplinkPeers? peers, HttpClient? members,
        UpstreamCounters counters, UpstreamOptions options, TimeProvider time, ILogger<UpstreamContent> logger)
    {
        _store = store;
        _resolver = resolver;
        _clients = clients;
        _owner = peers is not null ? new UplinkOwner(peers) : null;
        _members = members;
        _counters = counters;
        _options = options;
        _time = time;
        _logger = logger;
        _transfer = new UplinkTransfer(store, logger);
        _manifests = new ManifestFetcher(options.MaxManifestBytes, logger);
        _ownerManifests = peers is not null && members is not null ? new OwnerManifests(members, _manifests) : null;
        _heads = new BlobHeads(time);
        _ownerHeads = peers is not null && members is not null ? new OwnerBlobHeads(members, peers) : null;
    }

    /// <summary>Peer-signed requests are local-only already (the peers' source says so); the cache adds no rule.</summary>
    public bool IsLocalOnly(HttpRequest request) => false;

    public async ValueTask<BlobLookup> FindBlobAsync(RepositoryName repository, Digest digest, BlobWant want, CancellationToken cancellationToken)
    {
        var targets = _resolver.Resolve(repository.Value);
        if (targets.Count == 0) return BlobLookup.Missing;
        if (_store.BlobLength(digest) is not null && _store.MountBlob(repository, digest, from: null) is not null) return BlobLookup.Local;
        if (want == BlobWant.Length)
        {
            if (await HeadBlobAsync(repository, targets, digest, cancellationToken).ConfigureAwait(false) is long length) return BlobLookup.Elsewhere(length);
            _counters.Miss();
            return BlobLookup.Missing;
        }
        var origins = Origins(repository, targets, digest);
        var flight = _flights.Join(digest, clientDriven: true, out bool lead);
        if (!lead)
        {
            // Another client drives it, maybe for another repository (a follower's bytes come from the disk once the
            // whole blob verified, linked into this repository).
            return await flight.Stored.WaitAsync(cancellationToken).ConfigureAwait(false)
                ? LandedBlob.LinkedOrMissing(_store, repository, digest)
                : BlobLookup.Missing;
        }
        if (want is BlobWant.Range or BlobWant.Copy)
        {
            // The whole blob into the store, then the range from disk.
            bool stored = await Task.Run(() => _transfer.DriveAsync(flight, repository, origins), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
            return stored && LandedBlob.LinkedOrMissing(_store, repository, digest).Outcome == BlobOutcome.Local ? BlobLookup.Local : Miss();
        }
        var lookup = await _transfer.OpenAsync(repository, flight, origins, _counters.Blob, cancellationToken).ConfigureAwait(false);
        if (lookup.Outcome == BlobOutcome.Missing) _counters.Miss();
        return lookup;
    }

    private BlobLookup Miss()
    {
        _counters.Miss();
        return BlobLookup.Missing;
    }

    /// <summary>The member that owns this digest's uplink fetch first (when it is not this node), then the upstreams in order.</summary>
    private List<IBlobOrigin> Origins(RepositoryName repository, IReadOnlyList<UpstreamTarget> targets, Digest digest)
    {
        var origins = new List<IBlobOrigin>(targets.Count + 1);
        if (_owner?.OwnerOf(digest) is { } owner && _members is not null) origins.Add(new OwnerOrigin(_members, owner, repository.Value, _counters.FromMember));
        foreach (var target in targets)
        {
            var (client, bucket) = _clients.For(target.Registry);
            origins.Add(new UpstreamOrigin(client, target, bucket));
        }
        return origins;
    }

    /// <summary>
    /// The blob's length at the upstream, for a client's HEAD and for completeness checks: what this node remembers,
    /// else the answer of the member that owns the digest's uplink fetch (which asks the upstream once for the whole
    /// cluster), else — this node owns it, or the owner cannot answer — one HEAD of its own over the uplink.
    /// </summary>
    private async Task<long?> HeadBlobAsync(RepositoryName repository, IReadOnlyList<UpstreamTarget> targets, Digest digest, CancellationToken cancellationToken)
    {
        if (KnownUpstream(targets, digest) is long known) return known;
        if (_ownerHeads is not null && _owner!.OwnerOf(digest) is { } owner)
        {
            var (answered, length) = await _ownerHeads.HeadAsync(owner, repository.Value, digest, cancellationToken).ConfigureAwait(false);
            if (length is long found) _heads.Remember(digest, found);
            // A 404 from the owner is the cluster's answer: it asked the upstream.
            if (answered) return length;
        }
        return await _heads.AskOnceAsync(digest, () => UpstreamHeadAsync(targets, digest), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A remembered length, believed only while an upstream of the repository is not known to be unreachable: with the
    /// uplink cut, a blob the upstream held a minute ago cannot be served, and a manifest needing it must be a 404.
    /// </summary>
    private long? KnownUpstream(IReadOnlyList<UpstreamTarget> targets, Digest digest) =>
        _heads.Known(digest) is long length && targets.Any(t => _clients.For(t.Registry).Client.State.Reachable != false) ? length : null;

    /// <summary>One HEAD per upstream in order, without a client's token (others may be waiting on the same answer).</summary>
    private async Task<long?> UpstreamHeadAsync(IReadOnlyList<UpstreamTarget> targets, Digest digest)
    {
        foreach (var target in targets)
        {
            var client = _clients.For(target.Registry).Client;
            using var response = await client.SendAsync(() => new HttpRequestMessage(HttpMethod.Head, $"v2/{target.Repository}/blobs/{digest}"),
                target.Repository, CancellationToken.None).ConfigureAwait(false);
            if (response is { StatusCode: HttpStatusCode.OK } && response.Content.Headers.ContentLength is long length) return length;
        }
        return null;
    }

    /// <summary>
    /// Another member's question (<see cref="UplinkEndpoints"/>): this node owns the digest's uplink fetch as that
    /// member sees it, so it answers from its store or memory, or asks the upstream itself — never another member.
    /// <c>UpstreamAnswered</c> is false when no length was found because no upstream could be asked.
    /// </summary>
    internal async Task<(long? Length, bool UpstreamAnswered)> AnswerMemberHeadAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        var targets = _resolver.Resolve(repository.Value);
        if (targets.Count == 0) return (null, true);
        if (_store.BlobLength(digest) is long stored) return (stored, true);
        long? length = KnownUpstream(targets, digest)
            ?? await _heads.AskOnceAsync(digest, () => UpstreamHeadAsync(targets, digest), cancellationToken).ConfigureAwait(false);
        return (length, length is not null || targets.Any(t => _clients.For(t.Registry).Client.State is { Reachable: true, RateLimited: false }));
    }

    public Task<StoredManifest?> TryFetchManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken)
    {
        var targets = _resolver.Resolve(repository.Value);
        if (targets.Count == 0) return Task.FromResult<StoredManifest?>(null);
        return _manifestFlights.RunAsync((repository.Value, reference), () => FetchManifestAsync(repository, reference, targets), cancellationToken);
    }

    /// <summary>
    /// Through the member that owns the manifest's uplink fetch when it is another node (so a cold pull on every node
    /// at once fetches the manifest over the uplink once), else — or when that member cannot be reached — from the
    /// upstreams in order. Runs once per manifest at a time (<c>_manifestFlights</c>), without a client's token.
    /// </summary>
    private async Task<StoredManifest?> FetchManifestAsync(RepositoryName repository, string reference, IReadOnlyList<UpstreamTarget> targets)
    {
        if (_ownerManifests is not null && _owner!.OwnerOfManifest(repository.Value, reference) is { } owner)
        {
            var (answered, manifest) = await _ownerManifests.GetAsync(owner, repository.Value, reference, CancellationToken.None).ConfigureAwait(false);
            if (manifest is { } m) return Import(repository, reference, m.Digest, m.Content, $"member {owner.Member}");
            // A 404 from the owner is the cluster's answer: it asked the upstream (or found the manifest incomplete).
            if (answered) return null;
        }
        foreach (var target in targets)
        {
            var client = _clients.For(target.Registry).Client;
            if (await _manifests.GetAsync(client, target, reference, CancellationToken.None).ConfigureAwait(false) is not { } fetched) continue;
            if (Import(repository, reference, fetched.Digest, fetched.Content, $"upstream {target}") is { } manifest) return manifest;
        }
        return null;
    }

    /// <summary>Stores a fetched manifest (and moves the tag when fetched by tag); null when the store refuses it.</summary>
    private StoredManifest? Import(RepositoryName repository, string reference, Digest digest, byte[] content, string origin)
    {
        try
        {
            // Cached: the waiting client is answered from it below.
            _store.ImportManifest(repository, digest, content, cache: true);
            bool byTag = !reference.Contains(':', StringComparison.Ordinal);
            if (byTag)
            {
                _store.SetTag(repository, reference, digest);
                _tagChecked[(repository.Value, reference)] = _time.GetUtcNow();
            }
            _counters.Manifest();
            LogManifest(_logger, repository.Value, reference, origin, digest.ToString());
            return _store.GetManifest(repository, byTag ? reference : digest.ToString());
        }
        catch (StoreException e)
        {
            LogManifestRefused(_logger, repository.Value, reference, origin, e.Message);
            return null;
        }
    }

    public async ValueTask<StoredManifest> RefreshTagAsync(RepositoryName repository, string tag, StoredManifest local, CancellationToken cancellationToken)
    {
        var targets = _resolver.Resolve(repository.Value);
        if (targets.Count == 0) return local;
        var now = _time.GetUtcNow();
        var key = (repository.Value, tag);
        if (_tagChecked.TryGetValue(key, out var checkedAt) && now - checkedAt < RefreshOf(targets)) return local;
        // While every upstream is backing off (cut off), the check is not spent: the first pull after the back-off
        // (never longer than the refresh interval) asks, so a tag moved while the site was cut off is followed within
        // one interval of the link returning.
        if (!targets.Any(t => _clients.For(t.Registry).Client.State.MayTry)) return local;
        // Marked before asking: concurrent pulls of the tag ask once; a failed check waits for the next interval,
        // serving the cached tag meanwhile.
        _tagChecked[key] = now;
        foreach (var target in targets)
        {
            var client = _clients.For(target.Registry).Client;
            if (await _manifests.HeadAsync(client, target, tag, TagCheckTimeout, cancellationToken).ConfigureAwait(false) is not { } current) continue;
            if (current == local.Digest) return local;
            // The moved tag's manifest by digest, through the member that owns its fetch: once per cluster.
            if (_store.GetManifest(repository, current.ToString()) is null
                && await TryFetchManifestAsync(repository, current.ToString(), cancellationToken).ConfigureAwait(false) is null) continue;
            try
            {
                _store.SetTag(repository, tag, current);
            }
            catch (StoreException e)
            {
                LogManifestRefused(_logger, repository.Value, tag, $"upstream {target}", e.Message);
                continue;
            }
            LogTagMoved(_logger, repository.Value, tag, local.Digest.ToString(), current.ToString(), target.ToString());
            return _store.GetManifest(repository, tag) ?? local;
        }
        return local;
    }

    /// <summary>The refresh interval of the repository's first upstream (its own, or the global one).</summary>
    private TimeSpan RefreshOf(IReadOnlyList<UpstreamTarget> targets) => targets[0].Registry.TagRefresh ?? _options.TagRefresh;

    public async ValueTask<bool> IsCompleteAsync(RepositoryName repository, StoredManifest manifest, CancellationToken cancellationToken)
    {
        var targets = _resolver.Resolve(repository.Value);
        return targets.Count > 0 && await CheckAsync(repository, targets, manifest.Digest, depth: 0, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> CheckAsync(RepositoryName repository, IReadOnlyList<UpstreamTarget> targets, Digest digest, int depth, CancellationToken cancellationToken)
    {
        if (_store.GetReferences(repository, digest) is not { } references) return false;
        foreach (var blob in references.Blobs)
        {
            if (!await CanServeAsync(repository, targets, blob.Digest, cancellationToken).ConfigureAwait(false)) return false;
        }
        // Sparse indexes: only the children this node's platform selects must be servable (RequiredChildren).
        foreach (var (child, _) in RequiredChildren.Of(references.Manifests, ManifestPlatform.Current))
        {
            if (depth >= 2) return false; // an index of indexes of indexes: not something a client pulls
            if (_store.GetReferences(repository, child) is null
                && await TryFetchManifestAsync(repository, child.ToString(), cancellationToken).ConfigureAwait(false) is null) return false;
            if (!await CheckAsync(repository, targets, child, depth + 1, cancellationToken).ConfigureAwait(false)) return false;
        }
        return true;
    }

    public async ValueTask<bool> CanServeBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        var targets = _resolver.Resolve(repository.Value);
        return targets.Count > 0 && await CanServeAsync(repository, targets, digest, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> CanServeAsync(RepositoryName repository, IReadOnlyList<UpstreamTarget> targets, Digest digest, CancellationToken cancellationToken) =>
        _store.StatBlob(repository, digest) is not null || _store.BlobLength(digest) is not null
        || await HeadBlobAsync(repository, targets, digest, cancellationToken).ConfigureAwait(false) is not null;

    [LoggerMessage(EventId = 5040, Level = LogLevel.Information, Message = "Fetched manifest {Repository}:{Reference} from {Origin} ({Digest})")]
    private static partial void LogManifest(ILogger logger, string repository, string reference, string origin, string digest);

    [LoggerMessage(EventId = 5041, Level = LogLevel.Information, Message = "Tag {Repository}:{Tag} moved upstream at {Target}: {Old} -> {Current}")]
    private static partial void LogTagMoved(ILogger logger, string repository, string tag, string old, string current, string target);

    [LoggerMessage(EventId = 5042, Level = LogLevel.Error, Message = "Could not store manifest {Repository}:{Reference} from {Origin}: {Problem}")]
    private static partial void LogManifestRefused(ILogger logger, string repository, string reference, string origin, string problem);
}
