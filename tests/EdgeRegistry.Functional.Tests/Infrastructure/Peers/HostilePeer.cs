using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Peers;

/// <summary>
/// A cluster member that is not edgereg: a small HTTP/1.1 server on raw sockets (so it can lie about lengths, stall
/// and cut connections as no well-behaved server library would) speaking the peer protocol with the cluster secret.
/// It checks every request's credentials, announces one image in its change feed (manifest, tag, blobs), serves the
/// manifest honestly, and answers blob GETs as <see cref="Mode"/> says. It counts the blob GETs it gets.
/// </summary>
internal sealed class HostilePeer : IAsyncDisposable
{
    private const string Prefix = "/_edgereg/peer/v1/";
    private readonly TcpListener _listener;
    private readonly PeerSignature _signature;
    private readonly string _repository;
    private readonly string _tag;
    private readonly GeneratedImage _image;
    private readonly Dictionary<string, OciBlob> _blobs;
    private readonly string _epoch = Guid.NewGuid().ToString("N");
    private readonly long _version = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 16;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _held = [];
    private readonly ConcurrentDictionary<string, int> _blobGets = new();
    private readonly Task _accepting;
    private int _refused;
    private volatile PeerHostility _mode;

    public HostilePeer(string address, int port, PeerSignature signature, string repository, string tag, GeneratedImage image, PeerHostility mode)
    {
        Member = $"{address}:{port}";
        _signature = signature;
        _repository = repository;
        _tag = tag;
        _image = image;
        _mode = mode;
        _blobs = image.AllObjects.ToDictionary(blob => blob.Digest);
        _listener = new TcpListener(IPAddress.Parse(address), port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>"ADDRESS:PORT": its member entry.</summary>
    public string Member { get; }

    public PeerHostility Mode
    {
        get => _mode;
        set => _mode = value;
    }

    /// <summary>Requests refused for missing or wrong credentials.</summary>
    public int Refused => _refused;

    /// <summary>How many GETs of <paramref name="digest"/>'s bytes arrived so far.</summary>
    public int BlobGets(string digest) => _blobGets.GetValueOrDefault(digest);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(connection));
        }
    }

    /// <summary>Requests on one connection, one after another (keep-alive), until the client closes or a reply ends it.</summary>
    private async Task ServeAsync(Socket connection)
    {
        var keep = false;
        try
        {
            await using var stream = new NetworkStream(connection, ownsSocket: false);
            while (!_stop.IsCancellationRequested)
            {
                var request = await HttpRequestHead.ReadAsync(stream, _stop.Token);
                if (request is null)
                {
                    return;
                }

                var (status, reply) = Route(request);
                var after = reply == Reply.Hold ? After.Hold : await WriteAsync(stream, request, status, reply);
                if (after == After.Hold)
                {
                    // Neither answered nor closed: the client must give up on its own.
                    keep = true;
                    _held.Add(connection);
                    return;
                }

                if (after == After.Close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            if (!keep)
            {
                connection.Dispose();
            }
        }
    }

    private enum Reply
    {
        Json,
        Manifest,
        BlobHead,
        Blob,
        Empty,
        Hold,
    }

    private enum After
    {
        KeepAlive,
        Hold,
        Close,
    }

    private (int Status, Reply Reply) Route(HttpRequestHead request)
    {
        if (_signature.Problem(request.Header(PeerSignature.Header), request.Method, request.Target) is not null)
        {
            Interlocked.Increment(ref _refused);
            return (401, Reply.Empty);
        }

        var path = request.Target.Split('?')[0];
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return (404, Reply.Empty);
        }

        var rest = path[Prefix.Length..];
        if (rest == "feed")
        {
            return (200, Reply.Json);
        }

        if (rest.StartsWith("manifests/", StringComparison.Ordinal))
        {
            var reference = rest[(rest.LastIndexOf('/') + 1)..];
            return reference == _tag || reference == _image.Manifest.Digest ? (200, Reply.Manifest) : (404, Reply.Empty);
        }

        if (rest.StartsWith("blobs/", StringComparison.Ordinal) && _blobs.ContainsKey(rest["blobs/".Length..]))
        {
            if (request.Method == "HEAD")
            {
                return (200, Reply.BlobHead);
            }

            _blobGets.AddOrUpdate(rest["blobs/".Length..], 1, static (_, n) => n + 1);
            return _mode == PeerHostility.NoAnswer ? (0, Reply.Hold) : (200, Reply.Blob);
        }

        return (404, Reply.Empty); // the summary among them: edgereg ignores a summary it cannot get
    }

    private async Task<After> WriteAsync(NetworkStream stream, HttpRequestHead request, int status, Reply reply)
    {
        switch (reply)
        {
            case Reply.Json:
                await SendAsync(stream, status, "application/json", [], Feed(request.Query("epoch"), request.Query("since")));
                break;
            case Reply.Manifest:
                await SendAsync(stream, status, _image.Manifest.MediaType,
                    [$"Docker-Content-Digest: {_image.Manifest.Digest}", $"Edgereg-Manifest-Version: {_version} {Member}",
                        .. request.Target.EndsWith("/" + _tag, StringComparison.Ordinal) ? [$"Edgereg-Tag-Version: {_version + 1} {Member}"] : Array.Empty<string>()],
                    request.Method == "HEAD" ? null : _image.Manifest.Content, _image.Manifest.Size);
                break;
            case Reply.BlobHead:
                var headed = _blobs[request.Target.Split('?')[0][(Prefix.Length + "blobs/".Length)..]];
                await SendAsync(stream, status, "application/octet-stream", [$"Docker-Content-Digest: {headed.Digest}"], null, headed.Size);
                break;
            case Reply.Blob:
                return await SendBlobAsync(stream, request, _blobs[request.Target.Split('?')[0][(Prefix.Length + "blobs/".Length)..]]);
            default:
                await SendAsync(stream, status, "text/plain", [], []);
                break;
        }

        return After.KeepAlive;
    }

    private async Task<After> SendBlobAsync(NetworkStream stream, HttpRequestHead request, OciBlob blob)
    {
        var content = blob.Content;
        var half = content.Length / 2;
        switch (_mode)
        {
            case PeerHostility.Honest when request.Header("Range") is { } range && range.StartsWith("bytes=", StringComparison.Ordinal):
                var from = long.Parse(range["bytes=".Length..].TrimEnd('-'), CultureInfo.InvariantCulture);
                await SendAsync(stream, 206, "application/octet-stream", [$"Content-Range: bytes {from}-{content.Length - 1}/{content.Length}"],
                    content[(int)from..]);
                break;
            case PeerHostility.Honest:
                await SendAsync(stream, 200, "application/octet-stream", [], content);
                break;
            case PeerHostility.StallsMidBody:
                await SendAsync(stream, 200, "application/octet-stream", [], content[..half], content.Length);
                return After.Hold;
            case PeerHostility.ShortBody:
                await SendAsync(stream, 200, "application/octet-stream", ["Connection: close"], content[..half], content.Length);
                return After.Close;
            case PeerHostility.LongerThanBlob:
                await SendAsync(stream, 200, "application/octet-stream", [], [.. content, .. new byte[4096]]);
                return After.Close; // what follows on the connection is not a response any more
            case PeerHostility.WrongBytes:
                var wrong = (byte[])content.Clone();
                for (var i = half; i < Math.Min(wrong.Length, half + 64); i++)
                {
                    wrong[i] ^= 0xFF;
                }

                await SendAsync(stream, 200, "application/octet-stream", [], wrong);
                break;
        }

        return After.KeepAlive;
    }

    /// <summary>The whole announcement on a first read or a new epoch; nothing new after that.</summary>
    private byte[] Feed(string? epoch, string? since)
    {
        var fresh = epoch != _epoch || since is null or "0";
        var entries = new List<object>
        {
            new Dictionary<string, object?> { ["k"] = "m", ["r"] = _repository, ["d"] = _image.Manifest.Digest, ["s"] = _image.Manifest.Size, ["v"] = _version, ["n"] = Member, ["x"] = false, ["q"] = 1 },
            new Dictionary<string, object?> { ["k"] = "t", ["r"] = _repository, ["t"] = _tag, ["d"] = _image.Manifest.Digest, ["s"] = 0, ["v"] = _version + 1, ["n"] = Member, ["x"] = false, ["q"] = 2 },
        };
        var sequence = 2;
        foreach (var blob in _image.ReferencedBlobs)
        {
            entries.Add(new Dictionary<string, object?> { ["k"] = "b", ["r"] = _repository, ["d"] = blob.Digest, ["s"] = blob.Size, ["v"] = _version + sequence, ["n"] = Member, ["x"] = false, ["q"] = ++sequence });
        }

        var page = new Dictionary<string, object?>
        {
            ["node"] = Member, ["epoch"] = _epoch, ["sequence"] = sequence, ["reset"] = epoch != _epoch, ["more"] = false,
            ["entries"] = fresh ? entries : [],
        };
        return JsonSerializer.SerializeToUtf8Bytes(page);
    }

    /// <param name="contentLength">What Content-Length announces; the body's length when null.</param>
    private static async Task SendAsync(NetworkStream stream, int status, string contentType, IEnumerable<string> headers, byte[]? body,
        long? contentLength = null)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {(status is 200 or 206 ? "OK" : "No")}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength ?? body?.Length ?? 0}\r\n");
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }

        await stream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var held in _held)
        {
            held.Dispose();
        }

        _stop.Dispose();
    }
}
