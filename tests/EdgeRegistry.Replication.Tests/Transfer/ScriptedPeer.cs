using System.Collections.Concurrent;
using System.Globalization;
using EdgeRegistry.Replication.Api;
using EdgeRegistry.Replication.Security;
using EdgeRegistry.Storage.Digests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Replication.Tests.Transfer;

/// <summary>How a scripted peer misbehaves.</summary>
internal enum PeerScript
{
    Honest,
    /// <summary>Serves other bytes of the same length: only the digest can tell.</summary>
    Lying,
    /// <summary>Sends <see cref="ScriptedPeer.CutAfterBytes"/> bytes, then drops the connection (a peer going down mid-transfer).</summary>
    CutMidway,
}

/// <summary>How a scripted peer answers a batch of blobs (<see cref="BlobBatchWire"/>).</summary>
internal enum BatchScript
{
    /// <summary>In the wire format, honest or lying as <see cref="ScriptedPeer.Script"/> says (a lie: the second blob's bytes).</summary>
    Served,
    /// <summary>404, as a node of a version before batches.</summary>
    Unknown,
    /// <summary>Answers the first two digests swapped.</summary>
    OutOfOrder,
    /// <summary>Sends the first blob whole and half of the second, then drops the connection.</summary>
    CutAfterFirst,
}

/// <summary>
/// A peer on a real loopback Kestrel server speaking the peer blob API (<c>GET/HEAD /_edgereg/peer/v1/blobs/{digest}</c>,
/// with "bytes=N-" resume ranges, and <c>GET /_edgereg/peer/v1/blob-batch</c>), checking every request's cluster signature with the real authenticator, and
/// misbehaving on demand. Records each blob request (its start offset) so tests can count transfers.
/// </summary>
internal sealed class ScriptedPeer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new();
    private readonly ConcurrentQueue<long> _gets = new();

    private ScriptedPeer(WebApplication app, PeerAuthenticator authenticator)
    {
        _app = app;
        _app.Run(context => ServeAsync(context, authenticator));
    }

    public PeerScript Script { get; set; } = PeerScript.Honest;

    public long CutAfterBytes { get; set; } = 3 << 20;

    /// <summary>Pause after every 1 MiB sent, so transfers overlap in time.</summary>
    public TimeSpan DelayPerMiB { get; set; }

    /// <summary>
    /// A response that reaches this offset of the blob stops there, its connection open, until its reader goes away
    /// (or <see cref="HoldBound"/> passes, then it goes on): a copy under way is held with a known prefix, however
    /// slow or loaded the machine. A request starting at or after the offset is not held.
    /// </summary>
    public long HoldAt { get; set; } = long.MaxValue;

    private static readonly TimeSpan HoldBound = TimeSpan.FromSeconds(30);

    /// <summary>Start offsets of the blob GETs received (0 = whole blob, N = a resume from byte N).</summary>
    public IReadOnlyList<long> Gets => _gets.ToList();

    public string Member { get; private set; } = "";

    public BatchScript Batches { get; set; } = BatchScript.Served;

    /// <summary>The digests of each batch request received, as asked.</summary>
    public IReadOnlyList<string[]> BatchRequests => _batches.ToList();

    private readonly ConcurrentQueue<string[]> _batches = new();

    public static async Task<ScriptedPeer> StartAsync(string address, PeerAuthenticator authenticator)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{address}:0");
        var peer = new ScriptedPeer(builder.Build(), authenticator);
        await peer._app.StartAsync();
        peer.Member = new Uri(peer._app.Urls.First()).Authority;
        return peer;
    }

    public void Hold(string digest, byte[] content) => _blobs[digest] = content;

    /// <summary>When set, every change-feed request is answered 200 with this body, as it is (e.g. JSON that is not a feed page).</summary>
    public string? FeedBody { get; set; }

    /// <summary>Change-feed requests received.</summary>
    public int FeedRequests => Volatile.Read(ref _feedRequests);

    private int _feedRequests;

    private async Task ServeAsync(HttpContext context, PeerAuthenticator authenticator)
    {
        string path = context.Request.Path.Value ?? "";
        var (member, _) = authenticator.Verify(context.Request.Headers[PeerAuthenticator.HeaderName].ToString(), context.Request.Method,
            path + context.Request.QueryString);
        if (member is null)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        if (FeedBody is { } feed && path == "/_edgereg/peer/v1/feed")
        {
            Interlocked.Increment(ref _feedRequests);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(feed);
            return;
        }
        if (path == "/_edgereg/peer/v1/" + BlobBatchWire.Path)
        {
            await ServeBatchAsync(context);
            return;
        }
        const string Prefix = "/_edgereg/peer/v1/blobs/";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal) || !_blobs.TryGetValue(path[Prefix.Length..], out var content))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (Script == PeerScript.Lying)
        {
            content = (byte[])content.Clone();
            content[content.Length / 2] ^= 0xFF;
        }
        long from = 0;
        string range = context.Request.Headers.Range.ToString();
        if (range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            from = long.Parse(range.AsSpan(6, range.Length - 7), CultureInfo.InvariantCulture);
        }
        context.Response.StatusCode = from > 0 ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        context.Response.ContentLength = content.Length - from;
        if (from > 0) context.Response.Headers.ContentRange = $"bytes {from}-{content.Length - 1}/{content.Length}";
        if (HttpMethods.IsHead(context.Request.Method)) return;
        _gets.Enqueue(from);
        long sent = 0;
        for (long at = from; at < content.Length;)
        {
            if (at == HoldAt && at > from && await ReaderLeftAsync(context)) return;
            int count = (int)Math.Min(Math.Min(1 << 20, content.Length - at), at < HoldAt ? HoldAt - at : long.MaxValue);
            if (Script == PeerScript.CutMidway && sent + count > CutAfterBytes)
            {
                await context.Response.Body.WriteAsync(content.AsMemory((int)at, (int)(CutAfterBytes - sent)));
                await context.Response.Body.FlushAsync();
                await Task.Delay(200); // what was sent arrives before the connection dies
                context.Abort();
                return;
            }
            await context.Response.Body.WriteAsync(content.AsMemory((int)at, count));
            await context.Response.Body.FlushAsync();
            sent += count;
            at += count;
            if (DelayPerMiB > TimeSpan.Zero) await Task.Delay(DelayPerMiB);
        }
    }

    private async Task ServeBatchAsync(HttpContext context)
    {
        if (Batches == BatchScript.Unknown)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var asked = BlobBatchWire.ParseQuery(context.Request.Query["d"].ToString())!;
        _batches.Enqueue([.. asked.Select(static d => d.ToString())]);
        if (Batches == BatchScript.OutOfOrder && asked.Count > 1) (asked[0], asked[1]) = (asked[1], asked[0]);
        context.Response.ContentType = BlobBatchWire.MediaType;
        var body = context.Response.BodyWriter;
        for (int i = 0; i < asked.Count; i++)
        {
            if (!_blobs.TryGetValue(asked[i].ToString(), out var content))
            {
                BlobBatchWire.WriteHeader(body, asked[i], BlobBatchWire.Missing);
                continue;
            }
            if (content.Length > BlobBatchWire.MaxBlobBytes)
            {
                BlobBatchWire.WriteHeader(body, asked[i], BlobBatchWire.Large);
                continue;
            }
            if (Script == PeerScript.Lying && i == 1)
            {
                content = (byte[])content.Clone();
                content[content.Length / 2] ^= 0xFF;
            }
            BlobBatchWire.WriteBlobHeader(body, asked[i], content.Length);
            if (Batches == BatchScript.CutAfterFirst && i == 1)
            {
                await body.WriteAsync(content.AsMemory(0, content.Length / 2));
                await Task.Delay(200); // what was sent arrives before the connection dies
                context.Abort();
                return;
            }
            await body.WriteAsync(content);
        }
    }

    /// <summary>Waits at <see cref="HoldAt"/>: true when the reader went away, false when the hold's bound passed first.</summary>
    private static async Task<bool> ReaderLeftAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(HoldBound, context.RequestAborted);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
