using System.Globalization;
using System.Text.Json;
using EdgeRegistry.Content;
using EdgeRegistry.Replication.Inventory;
using EdgeRegistry.Replication.Peers;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Api;

/// <summary>
/// The peer-only API under <c>/_edgereg/peer/v1/</c>: summary, change feed, the local store's blobs and
/// manifests, and the users' hashes (when user replication is on). Until this node's inventory is built the summary,
/// the feed and the manifests answer 503 (<see cref="NotReadyAnswer"/>). Every request must carry valid cluster credentials (401 otherwise, and the refusal is logged), and
/// is answered from this node's own store only — never by asking another peer, so peers cannot recurse.
/// </summary>
internal sealed partial class PeerEndpoints(
    IRegistryStore store,
    LocalInventory local,
    PeerAuthenticator authenticator,
    PeerSet peers,
    ILogger<PeerEndpoints> logger,
    Users.UserLedger? users = null)
{
    public const string Prefix = "/_edgereg/peer/v1/";
    private const int DefaultPageSize = 1000;
    private const int MaxPageSize = 5000;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        string path = context.Request.Path.Value ?? "";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        var (member, problem) = authenticator.Verify(context.Request.Headers[PeerAuthenticator.HeaderName],
            context.Request.Method, context.Request.Path + context.Request.QueryString);
        if (member is null)
        {
            LogRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "?", path, problem!);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        peers.HeardFrom(member);
        string rest = path[Prefix.Length..];
        // The inventory and the versions it gives manifests are only told once complete; blobs (by digest, from the
        // store) and the users (their own ledger) need no inventory and are served at once.
        if (!local.BuildStatus.IsComplete && (rest is "summary" or "feed" || rest.StartsWith("manifests/", StringComparison.Ordinal)))
        {
            await NotReadyAnswer.WriteAsync(context, local.BuildStatus);
            return;
        }
        if (rest == "summary") await SummaryAsync(context);
        else if (rest == "feed") await FeedAsync(context);
        else if (rest == "users" && users is not null) await UsersAsync(context, users);
        else if (rest.StartsWith("blobs/", StringComparison.Ordinal)) await BlobAsync(context, rest["blobs/".Length..]);
        else if (rest == BlobBatchWire.Path && HttpMethods.IsGet(context.Request.Method)) await BlobBatchAsync(context);
        else if (rest.StartsWith("manifests/", StringComparison.Ordinal)) await ManifestAsync(context, rest["manifests/".Length..]);
        else context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private Task SummaryAsync(HttpContext context)
    {
        var inventory = local.Inventory;
        var (count, hash) = inventory.Summary();
        var summary = new InventorySummary(local.Self, inventory.Epoch, inventory.Sequence, count, hash.ToString("x16", CultureInfo.InvariantCulture));
        return WriteJsonAsync(context, summary, ReplicationJsonContext.Default.InventorySummary);
    }

    private Task FeedAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var inventory = local.Inventory;
        long since = long.TryParse(query["since"], NumberStyles.None, CultureInfo.InvariantCulture, out long s) ? s : 0;
        int limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out int l) ? Math.Clamp(l, 1, MaxPageSize) : DefaultPageSize;
        // Another epoch (we restarted) or a cursor from the future: the peer must start over from the beginning.
        bool reset = query["epoch"] != inventory.Epoch || since > inventory.Sequence;
        if (reset) since = 0;
        var changes = inventory.ChangesSince(since, limit + 1);
        bool more = changes.Count > limit;
        if (more) changes.RemoveAt(changes.Count - 1);
        var page = new FeedPage(local.Self, inventory.Epoch, inventory.Sequence, reset, more,
            changes.Select(static c => FeedEntries.ToWire(c.Entry, c.Sequence)).ToList());
        return WriteJsonAsync(context, page, ReplicationJsonContext.Default.FeedPage);
    }

    /// <summary>
    /// Every user and tombstone with its version: hashes only, never a password. Small (one line per user), so peers
    /// read it whole each round instead of following a feed.
    /// </summary>
    private Task UsersAsync(HttpContext context, Users.UserLedger ledger)
    {
        var table = new Users.UserTable(local.Self, [.. ledger.Users.Values.OrderBy(static u => u.User, StringComparer.Ordinal)]);
        return WriteJsonAsync(context, table, ReplicationJsonContext.Default.UserTable);
    }

    private async Task BlobAsync(HttpContext context, string digestText)
    {
        if (!Digest.TryParse(digestText, out var digest))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        using var reader = store.OpenBlob(digest);
        if (reader is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        // "bytes=N-" resumes a copy that was interrupted or dropped; any other range form is served whole.
        long position = ResumeOffset(context.Request.Headers.Range.ToString(), reader.Length);
        context.Response.StatusCode = position > 0 ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        context.Response.Headers.ContentType = ContentHeaders.OctetStream;
        context.Response.ContentLength = reader.Length - position;
        if (position > 0)
        {
            context.Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {position}-{reader.Length - 1}/{reader.Length}");
        }
        context.Response.Headers[ContentHeaders.ContentDigest] = digest.ToString();
        if (HttpMethods.IsHead(context.Request.Method)) return;
        await BlobBodyWriter.WriteAsync(context, reader, position, reader.Length - position);
    }

    /// <summary>
    /// Small blobs in one answer (<see cref="BlobBatchWire"/>), each read whole from the store and written in the order
    /// asked. Served from the store like a single blob: no inventory needed. A store error mid-way ends the answer
    /// early, which the asker reads as a cut batch (it fetches the rest one by one).
    /// </summary>
    private async Task BlobBatchAsync(HttpContext context)
    {
        if (BlobBatchWire.ParseQuery(context.Request.Query["d"].ToString()) is not { } digests)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = BlobBatchWire.MediaType;
        var body = context.Response.BodyWriter;
        var aborted = context.RequestAborted;
        int unflushed = 0;
        foreach (var digest in digests)
        {
            using var reader = store.OpenBlob(digest);
            if (reader is null)
            {
                BlobBatchWire.WriteHeader(body, digest, BlobBatchWire.Missing);
                continue;
            }
            if (reader.Length > BlobBatchWire.MaxBlobBytes)
            {
                BlobBatchWire.WriteHeader(body, digest, BlobBatchWire.Large);
                continue;
            }
            int length = (int)reader.Length;
            BlobBatchWire.WriteBlobHeader(body, digest, length);
            // Read straight into the response's own buffer: no copy of the bytes on this side.
            var into = body.GetMemory(Math.Max(length, 1))[..length];
            for (int at = 0; at < length;)
            {
                int read = await reader.ReadAsync(into[at..], at, aborted);
                if (read == 0) throw new IOException($"blob {digest} ended at byte {at} of {length} while it was served in a batch");
                at += read;
            }
            body.Advance(length);
            // Flushed in slices, so the asker verifies and stores the first blobs while the rest are read here.
            if ((unflushed += length) < 256 * 1024) continue;
            await body.FlushAsync(aborted);
            unflushed = 0;
        }
        await body.FlushAsync(aborted);
    }

    /// <summary>The N of a "bytes=N-" range inside the blob, else 0 (the whole blob).</summary>
    internal static long ResumeOffset(string range, long length)
    {
        const string Prefix = "bytes=";
        if (!range.StartsWith(Prefix, StringComparison.Ordinal) || !range.EndsWith('-')) return 0;
        return long.TryParse(range.AsSpan(Prefix.Length, range.Length - Prefix.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long from)
            && from < length ? from : 0;
    }

    private async Task ManifestAsync(HttpContext context, string rest)
    {
        int slash = rest.LastIndexOf('/');
        if (slash <= 0 || !RepositoryName.TryParse(rest[..slash], out var repository))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        string reference = rest[(slash + 1)..];
        // Uncached: a wiped peer reads every manifest once, which would cycle the whole store through the cache.
        var manifest = store.ReadManifest(repository, reference);
        if (manifest is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var headers = context.Response.Headers;
        headers[ContentHeaders.ContentDigest] = manifest.Digest.ToString();
        if (local.Inventory.Get(InventoryKey.ForManifest(repository, manifest.Digest)) is { } manifestEntry)
            headers[PeerHeaders.ManifestVersion] = Version(manifestEntry);
        if (!Digest.TryParse(reference, out _)
            && local.Inventory.Get(InventoryKey.ForTag(repository, reference)) is { Deleted: false } tagEntry)
        {
            headers[PeerHeaders.TagVersion] = Version(tagEntry);
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = manifest.MediaType;
        context.Response.ContentLength = manifest.Content.Length;
        await context.Response.BodyWriter.WriteAsync(manifest.Content, context.RequestAborted);
    }

    private static string Version(InventoryEntry entry) => entry.Version.ToString(CultureInfo.InvariantCulture) + " " + entry.Node;

    private static async Task WriteJsonAsync<T>(HttpContext context, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Refused peer request from {Client} for {Path}: {Problem}")]
    private static partial void LogRefused(ILogger logger, string client, string path, string problem);
}
