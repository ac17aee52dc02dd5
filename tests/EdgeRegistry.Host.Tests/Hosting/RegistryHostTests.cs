using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeRegistry.Configuration;
using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Hosting;

public sealed class RegistryHostTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Build_PlainHttp_ServesApiWithoutServerHeader()
    {
        await using var registry = await RunningRegistry.StartAsync(RunningRegistry.Settings(_temp.File("root")));
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        using var response = await http.GetAsync("/v2/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.Server);
        Assert.Equal("http", registry.BaseAddress.Scheme);
        Assert.True(Directory.Exists(Path.Combine(_temp.File("root"), "docker", "registry", "v2")));
    }

    [Fact]
    public async Task Build_TlsFromPemFiles_ServesHttps()
    {
        var pem = SelfSignedPem.Create(_temp);
        var resolved = ServeSettingsResolver.Resolve(
            new CommandLineSettings { Root = _temp.File("root"), TlsCert = pem.CertificateFile, TlsKey = pem.KeyFile },
            _ => null);
        Assert.Empty(resolved.Errors);
        var settings = RunningRegistry.Settings(_temp.File("root")) with
        {
            TlsCertificateFile = resolved.Settings!.TlsCertificateFile,
            TlsKeyFile = resolved.Settings.TlsKeyFile,
        };
        await using var registry = await RunningRegistry.StartAsync(settings);
        string? presented = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate?.Thumbprint;
                return presented == pem.Thumbprint;
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        using var response = await https.GetAsync("/v2/");

        Assert.Equal("https", registry.BaseAddress.Scheme);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(pem.Thumbprint, presented);
    }

    [Fact]
    public async Task UserAdd_ThenPushWithThoseCredentials_ApiAcceptsOnlyThem()
    {
        var credentials = _temp.File("credentials");
        var add = new CapturedProcess("correct horse\n");
        Assert.Equal(0, await add.RunAsync("user", "add", "pusher", "--credentials-file", credentials));
        var settings = RunningRegistry.Settings(_temp.File("root")) with { CredentialsFile = credentials, AnonymousWrites = false };
        await using var registry = await RunningRegistry.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        var anonymous = await StartUploadAsync(http, authorization: null);
        var wrong = await StartUploadAsync(http, Basic("pusher", "battery staple"));
        var right = await StartUploadAsync(http, Basic("pusher", "correct horse"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong);
        Assert.Equal(HttpStatusCode.Accepted, right);
    }

    private static async Task<HttpStatusCode> StartUploadAsync(HttpClient http, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/host-tests/app/blobs/uploads/");
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
