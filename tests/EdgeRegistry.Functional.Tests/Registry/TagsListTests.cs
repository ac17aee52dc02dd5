using System.Text.Json;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Clients;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Registry;

public sealed class TagsListTests(ITestOutputHelper output)
{
    private static readonly string[] Tags = ["t1", "t2", "t3", "t4", "t5", "t6", "t7"];

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task ListTags_SevenTags_SkopeoSeesAllAndHttpPagesFollowLink()
    {
        using var temp = new TempDirectory("tags");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root")), output);
        var skopeo = new Skopeo(temp.Sub("skopeo"));
        var image = TestImages.Image("tags-image", layerCount: 1);
        await new RoundTrip(skopeo, temp).PushAsync(server.Host, "tags/repo", Tags[0], image);
        using var http = new RegistryHttp(server.BaseAddress);
        foreach (var tag in Tags[1..])
        {
            await http.PutManifestAsync("tags/repo", tag, image.Manifest);
        }

        var listed = (await skopeo.ListTagsAsync($"docker://{server.Host}/tags/repo")).EnsureSuccess();
        using (var json = JsonDocument.Parse(listed.StandardOutput))
        {
            Assert.Equal(Tags, json.RootElement.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal));
        }

        var pages = new List<IReadOnlyList<string>>();
        string? next = "/v2/tags/repo/tags/list?n=3";
        while (next is not null && pages.Count < 10)
        {
            var (tags, link) = await http.TagsPageAsync(next);
            pages.Add(tags);
            next = link;
        }

        Assert.Equal(new[] { "t1,t2,t3", "t4,t5,t6", "t7" }, pages.Select(page => string.Join(',', page)));

        var (afterT3, _) = await http.TagsPageAsync("/v2/tags/repo/tags/list?n=2&last=t3");
        Assert.Equal(new[] { "t4", "t5" }, afterT3);
        var (afterLast, linkAfterLast) = await http.TagsPageAsync("/v2/tags/repo/tags/list?n=5&last=t7");
        Assert.Empty(afterLast);
        Assert.Null(linkAfterLast);
    }
}
