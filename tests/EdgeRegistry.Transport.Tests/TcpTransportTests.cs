using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using EdgeRegistry.Transport.Tests.Support;

namespace EdgeRegistry.Transport.Tests;

/// <summary>
/// edgereg's TCP transport under Kestrel, driven over real loopback sockets: file bodies go out by sendfile and
/// arrive intact, in order with other responses on the same connection, and the failure cases (client gone
/// mid-body, a client that stops reading, a file shorter than its length) cut only that connection.
/// </summary>
public sealed class TcpTransportTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new("transport");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task FileGet_PlainHttp_SentFromTheFileAndArrivesIntact()
    {
        var file = WriteFile("blob", RandomBytes(8 << 20));
        await using var server = await FileServer.StartAsync(_temp.Path);
        using var http = Client(server);
        long before = server.Transport.Counters.FileBytesSent;

        var whole = await http.GetByteArrayAsync("/blob");
        using var ranged = new HttpRequestMessage(HttpMethod.Get, "/blob");
        ranged.Headers.Range = new RangeHeaderValue(1_000_000, 1_999_999);
        using var partial = await http.SendAsync(ranged);
        var part = await partial.Content.ReadAsByteArrayAsync();

        Assert.Equal(SHA256.HashData(file), SHA256.HashData(whole));
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(file.AsSpan(1_000_000, 1_000_000).ToArray(), part);
        Assert.Equal(file.Length + 1_000_000L, server.Transport.Counters.FileBytesSent - before);
    }

    [Fact]
    public async Task FileSystemRefusesSendfile_BodyWrittenByCopy_Intact()
    {
        var file = WriteFile("blob", RandomBytes(20 << 20));
        // What sendfile answers for a file system that cannot splice: EINVAL before any byte.
        await using var server = await FileServer.StartAsync(_temp.Path, fileSendFault: _ => SocketError.InvalidArgument);
        using var http = Client(server);

        var first = await http.GetByteArrayAsync("/blob");
        var second = await http.GetByteArrayAsync("/blob");

        Assert.Equal(SHA256.HashData(file), SHA256.HashData(first));
        Assert.Equal(SHA256.HashData(file), SHA256.HashData(second));
        Assert.Equal(0, server.Transport.Counters.FileBytesSent);
        Assert.Equal(0, server.Transport.Counters.FileSendsFailed);
        // Refused once; the connection then writes its bodies by copy without asking again.
        Assert.Equal(1, server.Transport.Counters.FileSendsRefused);
    }

    [Fact]
    public async Task SendfileFailsAfterTheFirstPiece_ConnectionCut_NotRetriedByCopy()
    {
        var file = WriteFile("blob", RandomBytes(8 << 20));
        // A failure once bytes are on the wire is the connection's, not the file system's: no copy may follow it,
        // or the client would get a body with a hole in it.
        await using var server = await FileServer.StartAsync(_temp.Path,
            fileSendFault: position => position >= 2 << 20 ? SocketError.InvalidArgument : SocketError.Success);
        using var socket = await ConnectAsync(server);
        using var deadline = new CancellationTokenSource(Deadline);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /blob HTTP/1.1\r\nHost: test\r\n\r\n"), SocketFlags.None, deadline.Token);

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

        Assert.True(received < file.Length, $"received {received} bytes of a {file.Length}-byte body");
        await WaitUntilAsync(() => server.Transport.Counters.FileSendsFailed == 1, "the failed file send to be reported");
        Assert.Equal(0, server.Transport.Counters.FileSendsRefused);
    }

    [Fact]
    public async Task PipelinedRequests_FileBodiesBetweenOtherResponses_StayInOrder()
    {
        var file = WriteFile("blob", RandomBytes(3 << 20));
        await using var server = await FileServer.StartAsync(_temp.Path);
        using var socket = await ConnectAsync(server);
        using var deadline = new CancellationTokenSource(Deadline);

        // Four requests in one write: the server answers them one after the other on the same connection.
        var requests = new StringBuilder()
            .Append(RangeGet(0, 99))
            .Append("GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            .Append(RangeGet(2_000_000, 2_999_999))
            .Append("GET /blob HTTP/1.1\r\nHost: test\r\n\r\n");
        await socket.SendAsync(Encoding.ASCII.GetBytes(requests.ToString()), SocketFlags.None, deadline.Token);
        var reader = new ResponseReader(socket);

        var first = await reader.ReadAsync(deadline.Token);
        var second = await reader.ReadAsync(deadline.Token);
        var third = await reader.ReadAsync(deadline.Token);
        var fourth = await reader.ReadAsync(deadline.Token);

        Assert.Equal(206, first.Status);
        Assert.Equal(file[..100], first.Body);
        Assert.Equal(200, second.Status);
        Assert.Equal("{}", Encoding.ASCII.GetString(second.Body));
        Assert.Equal(206, third.Status);
        Assert.Equal(file[2_000_000..3_000_000], third.Body);
        Assert.Equal(200, fourth.Status);
        Assert.Equal(SHA256.HashData(file), SHA256.HashData(fourth.Body));
    }

    [Fact]
    public async Task ClientLeavesMidBody_OnlyThatConnectionEnds_ServerKeepsServing()
    {
        var file = WriteFile("blob", RandomBytes(64 << 20));
        var server = await FileServer.StartAsync(_temp.Path);
        await using (server)
        {
            using var http = Client(server);
            var counters = server.Transport.Counters;

            using (var socket = await ConnectAsync(server, receiveBuffer: 64 * 1024))
            {
                using var deadline = new CancellationTokenSource(Deadline);
                await socket.SendAsync(Encoding.ASCII.GetBytes("GET /blob HTTP/1.1\r\nHost: test\r\n\r\n"), SocketFlags.None, deadline.Token);
                var buffer = new byte[64 * 1024];
                long received = 0;
                while (received < 1 << 20) received += await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                // A hard close: pending bytes make the kernel answer the server's next segment with a reset.
                socket.LingerState = new LingerOption(true, 0);
            }

            await WaitUntilAsync(() => counters.FileSendsFailed > 0, "the cut file send to be reported");
            var again = await http.GetByteArrayAsync("/blob");
            Assert.Equal(SHA256.HashData(file), SHA256.HashData(again));
        }
        // Disposing stops the host within FileServer's 10 s bound: no connection is left hanging.
    }

    [Fact]
    public async Task ClientStopsReading_FileSendCutAfterTheStallBound()
    {
        var file = WriteFile("blob", RandomBytes(64 << 20));
        await using var server = await FileServer.StartAsync(_temp.Path);
        server.Transport.Limits.FileSendStall = TimeSpan.FromSeconds(1);
        using var socket = await ConnectAsync(server, receiveBuffer: 64 * 1024);
        using var deadline = new CancellationTokenSource(Deadline);

        // Ask for the file and read nothing: the windows fill and the send makes no progress.
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /blob HTTP/1.1\r\nHost: test\r\n\r\n"), SocketFlags.None, deadline.Token);
        await WaitUntilAsync(() => server.Transport.Counters.FileSendsFailed > 0, "the stalled file send to be cut");

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
        Assert.True(received < file.Length, $"received {received} bytes of a {file.Length}-byte body");
        Assert.Equal(0, server.Transport.Counters.FileBytesSent);
    }

    [Fact]
    public async Task FileShorterThanItsLength_ConnectionCutBeforeAFullBody_NextRequestsServed()
    {
        var file = WriteFile("blob", RandomBytes(64 << 20));
        var small = WriteFile("small", RandomBytes(1000));
        await using var server = await FileServer.StartAsync(_temp.Path);
        using var http = Client(server);
        using var socket = await ConnectAsync(server, receiveBuffer: 64 * 1024);
        using var deadline = new CancellationTokenSource(Deadline);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /blob HTTP/1.1\r\nHost: test\r\n\r\n"), SocketFlags.None, deadline.Token);
        var buffer = new byte[64 * 1024];
        long received = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);

        // The file loses its tail while it is being sent (a damaged disk or someone editing the store).
        using (var truncate = new FileStream(_temp.File("blob"), FileMode.Open, FileAccess.Write)) truncate.SetLength(2 << 20);
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
        Assert.True(received < file.Length, $"received {received} bytes of a {file.Length}-byte body");
        Assert.Equal(small, await http.GetByteArrayAsync("/small"));
    }

    private byte[] WriteFile(string name, byte[] content)
    {
        File.WriteAllBytes(_temp.File(name), content);
        return content;
    }

    private static HttpClient Client(FileServer server) => new() { BaseAddress = server.BaseAddress, Timeout = Deadline };

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static async Task<Socket> ConnectAsync(FileServer server, int? receiveBuffer = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // Set before connecting so the window is small from the start: the server cannot finish early.
        if (receiveBuffer is int size) socket.ReceiveBufferSize = size;
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        return socket;
    }

    private static string RangeGet(long first, long last) =>
        $"GET /blob HTTP/1.1\r\nHost: test\r\nRange: bytes={first}-{last}\r\n\r\n";

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
