using System.Net;
using System.Text.Json;
using EdgeRegistry.Distribution.Tests.Support;

namespace EdgeRegistry.Distribution.Tests.Endpoints;

public class ListingEndpointTests
{
    private static async Task<(string[] Items, string? Link)> GetListAsync(RegistryServer server, string url, string property)
    {
        using var response = await server.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string[] items = json.RootElement.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();
        string? link = response.Headers.TryGetValues("Link", out var values) ? values.Single() : null;
        return (items, link);
    }

    private static async Task<RegistryServer> WithTagsAsync(params string[] tags)
    {
        var server = await RegistryServer.StartAsync();
        var (content, _) = await server.PushImageAsync("lib/tags", tags[0]);
        foreach (string tag in tags.Skip(1))
        {
            using var put = await server.PutManifestAsync("lib/tags", tag, content, Manifests.OciManifestType);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        return server;
    }

    [Fact]
    public async Task Tags_NoParameters_AllInLexicalOrder()
    {
        await using var server = await WithTagsAsync("b", "a", "c", "A");
        var (tags, link) = await GetListAsync(server, "/v2/lib/tags/tags/list", "tags");
        Assert.Equal(new[] { "A", "a", "b", "c" }, tags);
        Assert.Null(link);
    }

    [Fact]
    public async Task Tags_PagedWithN_LinkUntilExhausted()
    {
        await using var server = await WithTagsAsync("t1", "t2", "t3", "t4", "t5");
        var (page1, link1) = await GetListAsync(server, "/v2/lib/tags/tags/list?n=2", "tags");
        Assert.Equal(new[] { "t1", "t2" }, page1);
        Assert.Equal("</v2/lib/tags/tags/list?n=2&last=t2>; rel=\"next\"", link1);
        var (page2, link2) = await GetListAsync(server, "/v2/lib/tags/tags/list?n=2&last=t2", "tags");
        Assert.Equal(new[] { "t3", "t4" }, page2);
        Assert.NotNull(link2);
        var (page3, link3) = await GetListAsync(server, "/v2/lib/tags/tags/list?n=2&last=t4", "tags");
        Assert.Equal(new[] { "t5" }, page3);
        Assert.Null(link3);
    }

    [Theory]
    [InlineData("?n=0", new string[0])]
    [InlineData("?last=t3", new[] { "t4", "t5" })]
    [InlineData("?last=t5", new string[0])]
    [InlineData("?last=zzz", new string[0])]
    [InlineData("?last=a", new[] { "t1", "t2", "t3", "t4", "t5" })]
    [InlineData("?n=100", new[] { "t1", "t2", "t3", "t4", "t5" })]
    [InlineData("?n=5", new[] { "t1", "t2", "t3", "t4", "t5" })]
    public async Task Tags_PagingEdges_ExpectedSlice(string query, string[] expected)
    {
        await using var server = await WithTagsAsync("t1", "t2", "t3", "t4", "t5");
        var (tags, link) = await GetListAsync(server, "/v2/lib/tags/tags/list" + query, "tags");
        Assert.Equal(expected, tags);
        Assert.Null(link);
    }

    [Theory]
    [InlineData("?n=-1")]
    [InlineData("?n=abc")]
    public async Task Tags_MalformedN_400(string query)
    {
        await using var server = await WithTagsAsync("t1");
        using var response = await server.Client.GetAsync("/v2/lib/tags/tags/list" + query);
        await OciAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "PAGINATION_NUMBER_INVALID");
    }

    [Fact]
    public async Task Tags_UnknownRepository_404NameUnknown()
    {
        await using var server = await RegistryServer.StartAsync();
        using var response = await server.Client.GetAsync("/v2/nobody/tags/list");
        await OciAssert.ErrorAsync(response, HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    [Fact]
    public async Task Catalog_Paged_RepositoriesWithManifestsOrBlobs()
    {
        await using var server = await RegistryServer.StartAsync();
        foreach (string repo in new[] { "c/one", "a", "b/two" }) await server.PushImageAsync(repo, "v1");
        // A blob with no manifest yet makes a repository, as in Distribution 2.8.2's _catalog.
        await server.PushBlobAsync("blobs-only", [1]);
        var (all, _) = await GetListAsync(server, "/v2/_catalog", "repositories");
        Assert.Equal(new[] { "a", "b/two", "blobs-only", "c/one" }, all);
        var (first, link) = await GetListAsync(server, "/v2/_catalog?n=1", "repositories");
        Assert.Equal(new[] { "a" }, first);
        Assert.Equal("</v2/_catalog?n=1&last=a>; rel=\"next\"", link);
        var (rest, _) = await GetListAsync(server, "/v2/_catalog?last=a", "repositories");
        Assert.Equal(new[] { "b/two", "blobs-only", "c/one" }, rest);
    }
}
