using System.Text;
using EdgeRegistry.Distribution.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Tests.Endpoints;

public class NameValidationTests
{
    public static TheoryData<string, string> Traversals => new()
    {
        { "POST", "/v2/a%2Fb/blobs/uploads/" },
        { "POST", "/v2/a%2fb/blobs/uploads/" },
        { "POST", "/v2/a/../b/blobs/uploads/" },
        { "POST", "/v2/../../etc/blobs/uploads/" },
        { "POST", "/v2/a/%2e%2e/b/blobs/uploads/" },
        { "POST", "/v2/a/./b/blobs/uploads/" },
        { "POST", "/v2/a%00b/blobs/uploads/" },
        { "POST", "/v2/Upper/blobs/uploads/" },
        { "POST", "/v2//abs/blobs/uploads/" },
        { "POST", "/v2/a//b/blobs/uploads/" },
        { "POST", "/v2/a%20b/blobs/uploads/" },
        { "PUT", "/v2/a%2Fb/manifests/latest" },
        { "GET", "/v2/a/../b/manifests/latest" },
        { "GET", "/v2/a%2Fb/tags/list" },
        { "DELETE", "/v2/x/../y/blobs/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    };

    [Theory]
    [MemberData(nameof(Traversals))]
    public async Task Request_UnsafeRawName_400NameInvalidAndNothingStored(string method, string rawTarget)
    {
        await using var server = await RegistryServer.StartAsync();
        var context = await server.SendRawAsync(method, rawTarget);
        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        string body = await new StreamReader(context.Response.Body, Encoding.UTF8).ReadToEndAsync();
        OciAssert.AssertCode(body, "NAME_INVALID");
        Assert.Empty(server.StoredFiles());
        Assert.False(Directory.Exists(Path.Combine(server.Root, "docker", "registry", "v2", "repositories", "b")));
    }

    [Fact]
    public async Task Request_NameTooLong_400NameInvalid()
    {
        await using var server = await RegistryServer.StartAsync();
        using var response = await server.Client.PostAsync($"/v2/{new string('a', 256)}/blobs/uploads/", new ByteArrayContent([]));
        await OciAssert.ErrorAsync(response, System.Net.HttpStatusCode.BadRequest, "NAME_INVALID");
    }

    [Fact]
    public async Task Request_EncodedSlashInAbsoluteFormTarget_400NameInvalid()
    {
        await using var server = await RegistryServer.StartAsync();
        var context = await server.SendRawAsync("GET", "http://registry.local/v2/a%2Fb/tags/list");
        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
    }

    [Fact]
    public async Task Request_ValidNestedName_RawTargetAccepted()
    {
        await using var server = await RegistryServer.StartAsync();
        var context = await server.SendRawAsync("POST", "/v2/team-a/sub_dir/app.v2/blobs/uploads/");
        Assert.Equal(StatusCodes.Status202Accepted, context.Response.StatusCode);
    }
}
