using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Distribution.Rejections;

namespace EdgeRegistry.Distribution.Tests.Rejections;

public class KestrelRejectionTests
{
    private const string Rejection = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: Wed, 02 Dec 2026 00:50:20 GMT\r\n\r\n";

    [Fact]
    public void TryRewrite_KestrelRejection_SameStatusWithOciBody()
    {
        Assert.True(KestrelRejection.TryRewrite(Encoding.ASCII.GetBytes(Rejection), out byte[] response));

        string[] parts = Encoding.ASCII.GetString(response).Split("\r\n\r\n", 2);
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", parts[0], StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Type: application/json", parts[0], StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {parts[1].Length}", parts[0], StringComparison.Ordinal);
        Assert.Contains("\r\nConnection: close", parts[0], StringComparison.Ordinal);
        Assert.Contains("\r\nDate: Wed, 02 Dec 2026 00:50:20 GMT", parts[0], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(parts[1]);
        Assert.Equal("UNSUPPORTED", body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("HTTP/1.1 404 Not Found\r\nContent-Length: 88\r\nContent-Type: application/json\r\n\r\n")] // an application error
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")] // not a 4xx
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")] // keeps the connection: not Kestrel's
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nX-Other: 1\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n")] // head not finished
    [InlineData("HTTP/1.1 4x0 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")]
    [InlineData("HTTP/1.1 400")]
    [InlineData("")]
    public void TryRewrite_AnythingElse_Untouched(string head)
    {
        Assert.False(KestrelRejection.TryRewrite(Encoding.ASCII.GetBytes(head), out _));
    }

    [Fact]
    public async Task Writer_RejectionWhileRequestActive_PassedThrough()
    {
        // A body an application writes is never rewritten, even when it looks like a rejection.
        var pipe = new Pipe();
        var activity = new RequestActivity();
        var writer = new RejectionBodyWriter(pipe.Writer, activity);
        activity.Enter();

        await writer.WriteAsync(Encoding.ASCII.GetBytes(Rejection));
        await writer.CompleteAsync();

        var read = await pipe.Reader.ReadAsync();
        Assert.Equal(Rejection, Encoding.ASCII.GetString(read.Buffer));
    }

    [Fact]
    public async Task Writer_RejectionWhileIdle_Rewritten()
    {
        var pipe = new Pipe();
        var writer = new RejectionBodyWriter(pipe.Writer, new RequestActivity());

        await writer.WriteAsync(Encoding.ASCII.GetBytes(Rejection));
        await writer.CompleteAsync();

        var read = await pipe.Reader.ReadAsync();
        Assert.Contains("\"errors\"", Encoding.ASCII.GetString(read.Buffer), StringComparison.Ordinal);
    }
}
