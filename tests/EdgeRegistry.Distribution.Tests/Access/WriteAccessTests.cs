using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeRegistry.Distribution.Access;
using EdgeRegistry.Distribution.Tests.Support;

namespace EdgeRegistry.Distribution.Tests.Access;

public sealed class WriteAccessTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "edgereg-creds-" + Guid.NewGuid().ToString("N"));
    private readonly string _file;

    public WriteAccessTests()
    {
        Directory.CreateDirectory(_dir);
        _file = Path.Combine(_dir, "users");
        CredentialsFile.AddOrUpdate(_file, "alice", "s3cret");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    private Task<RegistryServer> StartAsync(bool anonymousLoopback = false) =>
        RegistryServer.StartAsync(new DistributionOptions { CredentialsFile = _file, AnonymousWritesFromLoopback = anonymousLoopback });

    private static HttpRequestMessage StartUpload(AuthenticationHeaderValue? auth = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v2/secure/blobs/uploads/") { Content = new ByteArrayContent([]) };
        request.Headers.Authorization = auth;
        return request;
    }

    [Fact]
    public async Task Write_NoCredentials_401WithBasicChallenge()
    {
        await using var server = await StartAsync();
        using var response = await server.Client.SendAsync(StartUpload());
        await OciAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Basic realm=\"edgereg\"", OciAssert.Header(response, "WWW-Authenticate"));
        Assert.Empty(server.StoredFiles());
    }

    [Theory]
    [InlineData("alice", "wrong")]
    [InlineData("mallory", "s3cret")]
    public async Task Write_WrongCredentials_401(string user, string password)
    {
        await using var server = await StartAsync(anonymousLoopback: true);
        using var response = await server.Client.SendAsync(StartUpload(Basic(user, password)));
        await OciAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Write_RightCredentials_Allowed()
    {
        await using var server = await StartAsync();
        server.RemoteAddress = IPAddress.Parse("192.0.2.10");
        using var first = await server.Client.SendAsync(StartUpload(Basic("alice", "s3cret")));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using var cached = await server.Client.SendAsync(StartUpload(Basic("alice", "s3cret")));
        Assert.Equal(HttpStatusCode.Accepted, cached.StatusCode);
    }

    [Fact]
    public async Task Write_AnonymousFromLoopbackWhenEnabled_Allowed()
    {
        await using var server = await StartAsync(anonymousLoopback: true);
        server.RemoteAddress = IPAddress.IPv6Loopback;
        using var response = await server.Client.SendAsync(StartUpload());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Write_AnonymousFromRemoteWhenLoopbackEnabled_401()
    {
        await using var server = await StartAsync(anonymousLoopback: true);
        server.RemoteAddress = IPAddress.Parse("10.0.0.5");
        using var response = await server.Client.SendAsync(StartUpload());
        await OciAssert.ErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Write_AnonymousFromLoopbackWhenDisabled_401()
    {
        await using var server = await StartAsync(anonymousLoopback: false);
        using var delete = await server.Client.DeleteAsync("/v2/secure/manifests/latest");
        await OciAssert.ErrorAsync(delete, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        using var status = await server.Client.GetAsync($"/v2/secure/blobs/uploads/{Guid.NewGuid()}");
        await OciAssert.ErrorAsync(status, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Read_Anonymous_Allowed()
    {
        await using var server = await StartAsync();
        server.RemoteAddress = IPAddress.Parse("192.0.2.10");
        using var tags = await server.Client.GetAsync("/v2/secure/tags/list");
        await OciAssert.ErrorAsync(tags, HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    [Fact]
    public async Task Ping_WithoutCredentials_401ChallengeSoClientsSendThem()
    {
        await using var server = await StartAsync();
        using var anonymous = await server.Client.GetAsync("/v2/");
        await OciAssert.ErrorAsync(anonymous, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2/");
        request.Headers.Authorization = Basic("alice", "s3cret");
        using var authenticated = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
    }

    [Fact]
    public async Task Ping_CredentialsFileMissingOrEmpty_200WithoutChallenge()
    {
        string missing = Path.Combine(Path.GetDirectoryName(_file)!, "no-such-credentials");
        await using (var server = await RegistryServer.StartAsync(new DistributionOptions { CredentialsFile = missing }))
        {
            using var ping = await server.Client.GetAsync("/v2/");
            Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
            using var upload = await server.Client.SendAsync(StartUpload(null));
            await OciAssert.ErrorAsync(upload, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        string empty = Path.Combine(Path.GetDirectoryName(_file)!, "empty-credentials");
        File.WriteAllText(empty, "# no users yet\n");
        await using (var server = await RegistryServer.StartAsync(new DistributionOptions { CredentialsFile = empty }))
        {
            using var ping = await server.Client.GetAsync("/v2/");
            Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        }
    }

    [Fact]
    public async Task Write_FileChangedToNewPassword_OldRefusedNewAccepted()
    {
        await using var server = await StartAsync();
        using (var before = await server.Client.SendAsync(StartUpload(Basic("alice", "s3cret"))))
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        CredentialsFile.AddOrUpdate(_file, "alice", "changed");
        File.SetLastWriteTimeUtc(_file, DateTime.UtcNow.AddSeconds(5)); // coarse mtime clocks must still see a change
        using (var old = await server.Client.SendAsync(StartUpload(Basic("alice", "s3cret"))))
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using var updated = await server.Client.SendAsync(StartUpload(Basic("alice", "changed")));
        Assert.Equal(HttpStatusCode.Accepted, updated.StatusCode);
    }
}
