using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Configuration;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Host.Tests.Transport;

/// <summary>
/// edgereg's TCP transport under the real host, driven over real loopback sockets: blob bodies go out by
/// sendfile and arrive intact, in order with other responses on the same connection, and the failure cases
/// (client gone mid-body, a blob file shorter than its length) cut only that connection.
/// </summary>
public sealed class TcpTransportTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task BlobGet_PlainHttp_SentFromTheFileAndArrivesIntact()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.File("root")));
        using var http = Client(registry);
        var blob = RandomBytes(8 << 20);
        var digest = await PushAsync(http, blob);
        var counters = Counters(registry);
        long before = counters.FileBytesSent;

        var whole = await http.GetByteArrayAsync($"/v2/t/app/blobs/{digest}");
        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/v2/t/app/blobs/{digest}");
        ranged.Headers.Range = new RangeHeaderValue(1_000_000, 1_999_999);
        using var partial = await http.SendAsync(ranged);
        var part = await partial.Content.ReadAsByteArrayAsync();

        Assert.Equal(SHA256.HashData(blob), SHA256.HashData(whole));
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(blob.AsSpan(1_000_000, 1_000_000).ToArray(), part);
        Assert.Equal(blob.Length + 1_000_000L, counters.FileBytesSent - before);
    }

    [Fact]
    public async Task FileSystemRefusesSendfile_BodyWrittenByCopy_Intact()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.File("root")));
        using var http = Client(registry);
        var blob = RandomBytes(20 << 20);
        var digest = await PushAsync(http, blob);
        var transport = (TcpTransportFactory)registry.Services.GetRequiredService<IConnectionListenerFactory>();
        // What sendfile answers for a file system that cannot splice: EINVAL before any byte.
        transport.Limits.FileSendFault = _ => SocketError.InvalidArgument;

        var first = await http.GetByteArrayAsync($"/v2/t/app/blobs/{digest}");
        var second = await http.GetByteArrayAsync($"/v2/t/app/blobs/{digest}");

        Assert.Equal(SHA256.HashData(blob), SHA256.HashData(first));
        Assert.Equal(SHA256.HashData(blob), SHA256.HashData(second));
        Assert.Equal(0, transport.Counters.FileBytesSent);
        Assert.Equal(0, transport.Counters.FileSendsFailed);
        // Refused once; the connection then writes its bodies by copy without asking again.
        Assert.Equal(1, transport.Counters.FileSendsRefused);
    }

    [Fact]
    public async Task PipelinedRequests_FileBodiesBetweenOtherResponses_StayInOrder()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.File("root")));
        using var http = Client(registry);
        var blob = RandomBytes(3 << 20);
        var digest = await PushAsync(http, blob);
        using var socket = await ConnectAsync(registry);
        using var deadline = new CancellationTokenSource(Deadline);

        // Four requests in one write: the server answers them one after the other on the same connection.
        var requests = new StringBuilder()
            .Append(RangeGet(digest, 0, 99))
            .Append("GET /v2/ HTTP/1.1\r\nHost: test\r\n\r\n")
            .Append(RangeGet(digest, 2_000_000, 2_999_999))
            .Append($"GET /v2/t/app/blobs/{digest} HTTP/1.1\r\nHost: test\r\n\r\n");
        await socket.SendAsync(Encoding.ASCII.GetBytes(requests.ToString()), SocketFlags.None, deadline.Token);
        var reader = new ResponseReader(socket);

        var first = await reader.ReadAsync(deadline.Token);
        var second = await reader.ReadAsync(deadline.Token);
        var third = await reader.ReadAsync(deadline.Token);
        var fourth = await reader.ReadAsync(deadline.Token);

        Assert.Equal(206, first.Status);
        Assert.Equal(blob[..100], first.Body);
        Assert.Equal(200, second.Status);
        Assert.Equal("{}", Encoding.ASCII.GetString(second.Body));
        Assert.Equal(206, third.Status);
        Assert.Equal(blob[2_000_000..3_000_000], third.Body);
        Assert.Equal(200, fourth.Status);
        Assert.Equal(SHA256.HashData(blob), SHA256.HashData(fourth.Body));
    }

    [Fact]
    public async Task ClientLeavesMidBody_OnlyThatConnectionEnds_RegistryKeepsServing()
    {
        var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.File("root")));
        await using (registry)
        {
            using var http = Client(registry);
            var blob = RandomBytes(64 << 20);
            var digest = await PushAsync(http, blob);
            var counters = Counters(registry);

            using (var socket = await ConnectAsync(registry, receiveBuffer: 64 * 1024))
            {
                using var deadline = new CancellationTokenSource(Deadline);
                await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /v2/t/app/blobs/{digest} HTTP/1.1\r\nHost: test\r\n\r\n"), SocketFlags.None, deadline.Token);
                var buffer = new byte[64 * 1024];
                long received = 0;
                while (received < 1 << 20) received += await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                // A hard close: pending bytes make the kernel answer the server's next segment with a reset.
                socket.LingerState = new LingerOption(true, 0);
            }

            await WaitUntilAsync(() => counters.FileSendsFailed > 0, "the cut file send to be reported");
            var again = await http.GetByteArrayAsync($"/v2/t/app/blobs/{digest}");
            Assert.Equal(SHA256.HashData(blob), SHA256.HashData(again));
        }
        // Disposing stops the host within RunningRegistry's 10 s bound: no connection is left hanging.
    }

    [Fact]
    public async Task ClientStopsReading_FileSendCutAfterTheStallBound()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.File("root")));
        using var http = Client(registry);
        var blob = RandomBytes(64 << 20);
        var digest = await PushAsync(http, blob);
        var transport = (TcpTransportFactory)registry.Services.GetRequiredService<IConnectionListenerFactory>();
        transport.Limits.FileSendStall = TimeSpan.FromSeconds(1);
        using var socket = await ConnectAsync(registry, receiveBuffer: 64 * 1024);
        using var deadline = new CancellationTokenSource(Deadline);

        // Ask for the blob and read nothing: the windows fill and the send makes no progress.
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /v2/t/app/blobs/{digest} HTTP/1.1\r\nHost: test\r\n\r\n"), SocketFlags.None, deadline.Token);
        await WaitUntilAsync(() => transport.Counters.FileSendsFailed > 0, "the stalled file send to be cut");

        long received = 0;
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0) received += read;
        }
        catch (SocketException)
        {
            // reset instead of FIN: also cut
        }
        Assert.True(received < blob.Length, $"received {received} bytes of a {blob.Length}-byte body");
        Assert.Equal(0, transport.Counters.FileBytesSent);
    }

    [Fact]
    public async Task BlobFileShorterThanItsLength_ConnectionCutBeforeAFullBody_NextRequestsServed()
    {
        var root = _temp.File("root");
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(root));
        using var http = Client(registry);
        var blob = RandomBytes(64 << 20);
        var digest = await PushAsync(http, blob);
        var small = RandomBytes(1000);
        var smallDigest = await PushAsync(http, small);
        using var socket = await ConnectAsync(registry, receiveBuffer: 64 * 1024);
        using var deadline = new CancellationTokenSource(Deadline);
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /v2/t/app/blobs/{digest} HTTP/1.1\r\nHost: test\r\n\r\n"), SocketFlags.None, deadline.Token);
        var buffer = new byte[64 * 1024];
        long received = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);

        // The blob file loses its tail while it is being sent (a damaged disk or someone editing the store).
        var data = Path.Combine(root, "docker", "registry", "v2", "blobs", "sha256", digest[7..9], digest[7..], "data");
        using (var file = new FileStream(data, FileMode.Open, FileAccess.Write)) file.SetLength(2 << 20);
        bool cut = false;
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0) received += read;
            cut = true;
        }
        catch (SocketException)
        {
            cut = true; // reset instead of FIN: also a cut
        }

        Assert.True(cut);
        Assert.True(received < blob.Length, $"received {received} bytes of a {blob.Length}-byte body");
        Assert.Equal(small, await http.GetByteArrayAsync($"/v2/t/app/blobs/{smallDigest}"));
    }

    [Fact]
    public async Task BlobGet_OverTls_WrittenThroughTheResponseNotTheFile()
    {
        var pem = SelfSignedPem.Create(_temp);
        var resolved = ServeSettingsResolver.Resolve(
            new CommandLineSettings { Root = _temp.File("root"), TlsCert = pem.CertificateFile, TlsKey = pem.KeyFile }, _ => null);
        var settings = RunningRegistry.Settings(_temp.File("root")) with
        {
            TlsCertificateFile = resolved.Settings!.TlsCertificateFile,
            TlsKeyFile = resolved.Settings.TlsKeyFile,
        };
        await using var registry = await RunningRegistry.StartAsync(settings);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var https = new HttpClient(handler) { BaseAddress = registry.BaseAddress, Timeout = Deadline };
        var blob = RandomBytes(4 << 20);
        var digest = await PushAsync(https, blob);

        var got = await https.GetByteArrayAsync($"/v2/t/app/blobs/{digest}");

        Assert.Equal(SHA256.HashData(blob), SHA256.HashData(got));
        Assert.Equal(0, Counters(registry).FileBytesSent);
    }

    private static HttpClient Client(RunningRegistry registry) => new() { BaseAddress = registry.BaseAddress, Timeout = Deadline };

    private static TransportCounters Counters(RunningRegistry registry) =>
        ((TcpTransportFactory)registry.Services.GetRequiredService<IConnectionListenerFactory>()).Counters;

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static async Task<string> PushAsync(HttpClient http, byte[] blob)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob));
        using var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync($"/v2/t/app/blobs/uploads/?digest={digest}", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return digest;
    }

    private static async Task<Socket> ConnectAsync(RunningRegistry registry, int? receiveBuffer = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // Set before connecting so the window is small from the start: the server cannot finish early.
        if (receiveBuffer is int size) socket.ReceiveBufferSize = size;
        await socket.ConnectAsync(IPAddress.Loopback, registry.Port);
        return socket;
    }

    private static string RangeGet(string digest, long first, long last) =>
        $"GET /v2/t/app/blobs/{digest} HTTP/1.1\r\nHost: test\r\nRange: bytes={first}-{last}\r\n\r\n";

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Reads HTTP/1.1 responses with a Content-Length body, one after the other, from a raw socket.</summary>
    private sealed class ResponseReader(Socket socket)
    {
        private readonly List<byte> _buffered = [];

        public async Task<(int Status, byte[] Body)> ReadAsync(CancellationToken cancellationToken)
        {
            int headerEnd;
            while ((headerEnd = IndexOfHeaderEnd()) < 0) await FillAsync(cancellationToken);
            var head = Encoding.ASCII.GetString(_buffered.GetRange(0, headerEnd).ToArray()).Split("\r\n");
            int status = int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var lengthLine = head.First(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            int length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            _buffered.RemoveRange(0, headerEnd + 4);
            while (_buffered.Count < length) await FillAsync(cancellationToken);
            var body = _buffered.GetRange(0, length).ToArray();
            _buffered.RemoveRange(0, length);
            return (status, body);
        }

        private int IndexOfHeaderEnd()
        {
            for (int i = 0; i + 3 < _buffered.Count; i++)
            {
                if (_buffered[i] == '\r' && _buffered[i + 1] == '\n' && _buffered[i + 2] == '\r' && _buffered[i + 3] == '\n') return i;
            }
            return -1;
        }

        private async Task FillAsync(CancellationToken cancellationToken)
        {
            var chunk = new byte[256 * 1024];
            int read = await socket.ReceiveAsync(chunk, SocketFlags.None, cancellationToken);
            if (read == 0) throw new IOException("the server closed the connection");
            _buffered.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }
}
