using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using EdgeRegistry.Distribution;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeRegistry.Benchmarks;

/// <summary>
/// The registry's request delegate (dispatcher, handlers, the real store on a temp directory) invoked on a fresh
/// <see cref="DefaultHttpContext"/> per request, without a server: what one request costs edgereg's own code, in
/// time and allocated bytes. <see cref="NotRegistryPath"/> is the baseline: the context and the pipeline alone.
/// </summary>
[MemoryDiagnoser]
public class RequestPathBenchmarks
{
    private const string Repository = "bench/app";

    private string _root = "";
    private RegistryStore _store = null!;
    private ServiceProvider _services = null!;
    private RequestDelegate _pipeline = null!;
    private string _manifestDigest = "";
    private string _layerDigest = "";

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        _root = Path.Combine(Path.GetTempPath(), "edgereg-bench-" + Guid.NewGuid().ToString("N"));
        _store = RegistryStore.Open(_root);
        var services = new ServiceCollection();
        services.AddSingleton<IRegistryStore>(_store);
        services.AddDistributionApi(new DistributionOptions { AnonymousWritesFromLoopback = true });
        _services = services.BuildServiceProvider();
        var app = new ApplicationBuilder(_services);
        app.UseDistributionApi();
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        _pipeline = app.Build();

        var repository = RepositoryName.Parse(Repository);
        var layer = RandomNumberGenerator.GetBytes(64 * 1024);
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux"}""");
        _layerDigest = await PutBlobAsync(repository, layer);
        string configDigest = await PutBlobAsync(repository, config);
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{_layerDigest}}","size":{{layer.Length}}}]}
            """);
        await _store.PutManifestAsync(repository, "v1", "application/vnd.oci.image.manifest.v1+json", manifest, CancellationToken.None);
        _manifestDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest));
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _services.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task NotRegistryPath() => InvokeAsync("GET", "/healthz");

    [Benchmark]
    public Task ApiVersionCheck() => InvokeAsync("GET", "/v2/");

    [Benchmark]
    public Task ManifestGetByTag() => InvokeAsync("GET", $"/v2/{Repository}/manifests/v1");

    [Benchmark]
    public Task ManifestGetByDigest() => InvokeAsync("GET", $"/v2/{Repository}/manifests/{_manifestDigest}");

    [Benchmark]
    public Task ManifestHeadByTag() => InvokeAsync("HEAD", $"/v2/{Repository}/manifests/v1");

    [Benchmark]
    public Task BlobHead() => InvokeAsync("HEAD", $"/v2/{Repository}/blobs/{_layerDigest}");

    [Benchmark]
    public Task ManifestUnknownTag() => InvokeAsync("GET", $"/v2/{Repository}/manifests/absent");

    private Task InvokeAsync(string method, string target)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = new PathString(target);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        context.Response.Body = Stream.Null;
        return _pipeline(context);
    }

    private async Task<string> PutBlobAsync(RepositoryName repository, byte[] content)
    {
        var digest = Digest.FromHash(DigestAlgorithm.Sha256, SHA256.HashData(content));
        var body = PipeReader.Create(new MemoryStream(content));
        await _store.PutBlobAsync(repository, digest, body, content.Length, CancellationToken.None);
        return digest.ToString();
    }
}
