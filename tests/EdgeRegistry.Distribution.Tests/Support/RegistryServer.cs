using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeRegistry.Distribution.Tests.Support;

/// <summary>
/// The distribution API on an in-memory server over the real <see cref="RegistryStore"/> in a temp directory.
/// <see cref="RemoteAddress"/> stands in for the client's address, which an in-memory server does not have.
/// </summary>
internal sealed class RegistryServer : IAsyncDisposable
{
    private readonly IHost _host;

    private RegistryServer(IHost host, RegistryStore store, string root)
    {
        _host = host;
        Store = store;
        Root = root;
    }

    public RegistryStore Store { get; }

    public string Root { get; }

    public HttpClient Client { get; private set; } = null!;

    public IPAddress? RemoteAddress { get; set; } = IPAddress.Loopback;

    public TestServer Server => _host.GetTestServer();

    /// <summary>Anonymous writes from loopback unless options say otherwise: most tests are not about access.</summary>
    public static async Task<RegistryServer> StartAsync(DistributionOptions? options = null)
    {
        options ??= new DistributionOptions { AnonymousWritesFromLoopback = true };
        string root = Path.Combine(Path.GetTempPath(), "edgereg-dist-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var store = RegistryStore.Open(root);
        RegistryServer? server = null;
        var host = new HostBuilder()
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(services =>
                {
                    services.AddSingleton<IRegistryStore>(store);
                    services.AddDistributionApi(options);
                })
                .Configure(app =>
                {
                    app.Use((context, next) =>
                    {
                        context.Connection.RemoteIpAddress = server!.RemoteAddress;
                        return next(context);
                    });
                    app.UseDistributionApi();
                }))
            .Build();
        server = new RegistryServer(host, store, root);
        await host.StartAsync();
        server.Client = host.GetTestServer().CreateClient();
        return server;
    }

    /// <summary>Sends a request with an exact raw target, as Kestrel would see it before any normalisation.</summary>
    public async Task<HttpContext> SendRawAsync(string method, string rawTarget)
    {
        return await Server.SendAsync(context =>
        {
            context.Request.Method = method;
            int query = rawTarget.IndexOf('?');
            string path = query < 0 ? rawTarget : rawTarget[..query];
            // The dispatcher routes by the raw target; Path only needs to be something Kestrel could produce.
            context.Request.Path = path.StartsWith('/') && !path.Contains("%00", StringComparison.Ordinal)
                ? PathString.FromUriComponent(path)
                : new PathString("/v2/");
            if (query >= 0) context.Request.QueryString = new QueryString(rawTarget[query..]);
            context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        });
    }

    public static string Sha256(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static string Sha512(byte[] content) => "sha512:" + Convert.ToHexStringLower(SHA512.HashData(content));

    public static byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    public async Task<string> PushBlobAsync(string repository, byte[] content)
    {
        string digest = Sha256(content);
        using var response = await Client.PostAsync($"/v2/{repository}/blobs/uploads/?digest={digest}", Octets(content));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return digest;
    }

    /// <summary>Pushes a config and one layer, then an OCI image manifest naming them; returns its bytes and digest.</summary>
    public async Task<(byte[] Content, string Digest)> PushImageAsync(string repository, string reference,
        string? subjectDigest = null, long subjectSize = 0, string? artifactType = null)
    {
        byte[] config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + Guid.NewGuid() + "\"}");
        byte[] layer = RandomBytes(300);
        string configDigest = await PushBlobAsync(repository, config);
        string layerDigest = await PushBlobAsync(repository, layer);
        byte[] manifest = Manifests.OciImage(configDigest, config.Length, layerDigest, layer.Length, subjectDigest, subjectSize, artifactType);
        using var response = await PutManifestAsync(repository, reference, manifest, Manifests.OciManifestType);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (manifest, Sha256(manifest));
    }

    public Task<HttpResponseMessage> PutManifestAsync(string repository, string reference, byte[] content, string? contentType)
    {
        var body = new ByteArrayContent(content);
        if (contentType is not null) body.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Client.PutAsync($"/v2/{repository}/manifests/{reference}", body);
    }

    public static ByteArrayContent Octets(byte[] content)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return body;
    }

    /// <summary>Every file under the store's blob and repository trees: a before/after snapshot proves nothing was stored.</summary>
    public IReadOnlyList<string> StoredFiles()
    {
        string v2 = Path.Combine(Root, "docker", "registry", "v2");
        if (!Directory.Exists(v2)) return [];
        return Directory.EnumerateFiles(v2, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "_uploads" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.StopAsync();
        _host.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
