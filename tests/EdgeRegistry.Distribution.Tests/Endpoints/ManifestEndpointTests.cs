using System.Net;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Distribution.Tests.Support;

namespace EdgeRegistry.Distribution.Tests.Endpoints;

public class ManifestEndpointTests
{
    [Fact]
    public async Task Put_OciImage_201WithLocationAndDigest_GetByTagAndDigest()
    {
        await using var server = await RegistryServer.StartAsync();
        var (content, digest) = await server.PushImageAsync("app", "v1");
        foreach (string reference in new[] { "v1", digest })
        {
            using var get = await server.Client.GetAsync($"/v2/app/manifests/{reference}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(content, await get.Content.ReadAsByteArrayAsync());
            Assert.Equal(Manifests.OciManifestType, get.Content.Headers.ContentType?.MediaType);
            Assert.Equal(digest, OciAssert.Header(get, "Docker-Content-Digest"));
            using var head = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/app/manifests/{reference}"));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(content.Length, head.Content.Headers.ContentLength);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task Put_Response_LocationServesManifest()
    {
        await using var server = await RegistryServer.StartAsync();
        string config = await server.PushBlobAsync("loc", "{}"u8.ToArray());
        string layer = await server.PushBlobAsync("loc", [1, 2, 3]);
        byte[] manifest = Manifests.OciImage(config, 2, layer, 3);
        using var put = await server.PutManifestAsync("loc", "t", manifest, Manifests.OciManifestType);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/v2/loc/manifests/{RegistryServer.Sha256(manifest)}", put.Headers.Location!.OriginalString);
        Assert.Equal(RegistryServer.Sha256(manifest), OciAssert.Header(put, "Docker-Content-Digest"));
        Assert.False(put.Headers.Contains("OCI-Subject"));
        Assert.Equal(manifest, await server.Client.GetByteArrayAsync(put.Headers.Location));
    }

    [Fact]
    public async Task Put_DockerSchema2AndIndex_ServedWithTheirMediaTypes()
    {
        await using var server = await RegistryServer.StartAsync();
        string config = await server.PushBlobAsync("dock", "{}"u8.ToArray());
        string layer = await server.PushBlobAsync("dock", [7]);
        byte[] docker = Manifests.DockerImage(config, 2, layer, 1);
        using (var put = await server.PutManifestAsync("dock", "d", docker, Manifests.DockerManifestType))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var (image, imageDigest) = await server.PushImageAsync("dock", "img");
        byte[] index = Manifests.OciIndex((imageDigest, image.Length));
        using (var put = await server.PutManifestAsync("dock", "multi", index, Manifests.OciIndexType))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        using var getDocker = await server.Client.GetAsync("/v2/dock/manifests/d");
        Assert.Equal(Manifests.DockerManifestType, getDocker.Content.Headers.ContentType?.MediaType);
        using var getIndex = await server.Client.GetAsync("/v2/dock/manifests/multi");
        Assert.Equal(Manifests.OciIndexType, getIndex.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(Manifests.OciManifestType, true)]
    [InlineData(Manifests.OciIndexType + ", " + Manifests.OciManifestType, true)]
    [InlineData("*/*", true)]
    [InlineData(Manifests.DockerManifestType, false)]
    [InlineData(Manifests.OciIndexType, false)]
    public async Task Get_AcceptHeader_NegotiatesStoredType(string accept, bool served)
    {
        await using var server = await RegistryServer.StartAsync();
        await server.PushImageAsync("neg", "v1");
        var request = new HttpRequestMessage(HttpMethod.Get, "/v2/neg/manifests/v1");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await server.Client.SendAsync(request);
        if (served) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        else await OciAssert.ErrorAsync(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task Get_UnknownTagAndDigest_404ManifestUnknown()
    {
        await using var server = await RegistryServer.StartAsync();
        await server.PushImageAsync("known", "v1");
        using var tag = await server.Client.GetAsync("/v2/known/manifests/nope");
        await OciAssert.ErrorAsync(tag, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using var digest = await server.Client.GetAsync($"/v2/known/manifests/{RegistryServer.Sha256([0])}");
        await OciAssert.ErrorAsync(digest, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using var repo = await server.Client.GetAsync("/v2/unknown/manifests/v1");
        await OciAssert.ErrorAsync(repo, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Theory]
    [InlineData(".INVALID_MANIFEST_NAME")]
    [InlineData("-leading-dash")]
    public async Task GetAndHead_ReferenceNoValidTag_404ManifestUnknown(string reference)
    {
        await using var server = await RegistryServer.StartAsync();
        await server.PushImageAsync("known", "v1");
        using var get = await server.Client.GetAsync($"/v2/known/manifests/{reference}");
        await OciAssert.ErrorAsync(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using var head = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/known/manifests/{reference}"));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task Get_MalformedDigestReference_400DigestInvalid()
    {
        await using var server = await RegistryServer.StartAsync();
        using var get = await server.Client.GetAsync("/v2/known/manifests/sha256:totallywrong");
        await OciAssert.ErrorAsync(get, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Put_NotJson_400ManifestInvalidAndNothingStored()
    {
        await using var server = await RegistryServer.StartAsync();
        using var put = await server.PutManifestAsync("bad", "v1", "not json {"u8.ToArray(), Manifests.OciManifestType);
        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
        Assert.Empty(server.StoredFiles());
    }

    [Fact]
    public async Task Put_ContentTypeDisagreesWithMediaType_400ManifestInvalidAndNothingStored()
    {
        await using var server = await RegistryServer.StartAsync();
        string config = await server.PushBlobAsync("mt", "{}"u8.ToArray());
        string layer = await server.PushBlobAsync("mt", [1]);
        var before = server.StoredFiles();
        using var put = await server.PutManifestAsync("mt", "v1", Manifests.OciImage(config, 2, layer, 1), Manifests.DockerManifestType);
        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
        Assert.Equal(before, server.StoredFiles());
    }

    [Fact]
    public async Task Put_ReferencedBlobMissing_400ManifestBlobUnknownAndNothingStored()
    {
        await using var server = await RegistryServer.StartAsync();
        string config = await server.PushBlobAsync("miss", "{}"u8.ToArray());
        var before = server.StoredFiles();
        byte[] manifest = Manifests.OciImage(config, 2, RegistryServer.Sha256([42]), 1);
        using var put = await server.PutManifestAsync("miss", "v1", manifest, Manifests.OciManifestType);
        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        Assert.Equal(before, server.StoredFiles());
        using var get = await server.Client.GetAsync("/v2/miss/manifests/v1");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task Put_Oversized_413SizeInvalidAndNothingStored()
    {
        await using var server = await RegistryServer.StartAsync(new DistributionOptions { AnonymousWritesFromLoopback = true, MaxManifestBytes = 1024 });
        byte[] big = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"annotations\":{\"a\":\"" + new string('x', 2000) + "\"}}");
        using var put = await server.PutManifestAsync("huge", "v1", big, Manifests.OciManifestType);
        await OciAssert.ErrorAsync(put, HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID");
        Assert.Empty(server.StoredFiles());
    }

    [Fact]
    public async Task Put_DigestReferenceMismatch_400DigestInvalid()
    {
        await using var server = await RegistryServer.StartAsync();
        string config = await server.PushBlobAsync("dm", "{}"u8.ToArray());
        string layer = await server.PushBlobAsync("dm", [1]);
        var before = server.StoredFiles();
        using var put = await server.PutManifestAsync("dm", RegistryServer.Sha256([1, 2]), Manifests.OciImage(config, 2, layer, 1), Manifests.OciManifestType);
        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Equal(before, server.StoredFiles());
    }

    [Theory]
    [InlineData("sha256:totallywrong", "DIGEST_INVALID")]
    [InlineData("-leading-dash", "MANIFEST_INVALID")]
    public async Task Put_InvalidReference_400(string reference, string code)
    {
        await using var server = await RegistryServer.StartAsync();
        using var put = await server.PutManifestAsync("ref", reference, "{}"u8.ToArray(), Manifests.OciManifestType);
        await OciAssert.ErrorAsync(put, HttpStatusCode.BadRequest, code);
        Assert.Empty(server.StoredFiles());
    }

    [Fact]
    public async Task Put_WithSubject_OciSubjectHeaderAndReferrersListed()
    {
        await using var server = await RegistryServer.StartAsync();
        var (subject, subjectDigest) = await server.PushImageAsync("ref", "base");
        string config = await server.PushBlobAsync("ref", "{}"u8.ToArray());
        string layer = await server.PushBlobAsync("ref", [5]);
        byte[] sbom = Manifests.OciImage(config, 2, layer, 1, subjectDigest, subject.Length, "application/vnd.example.sbom");
        using (var put = await server.PutManifestAsync("ref", RegistryServer.Sha256(sbom), sbom, Manifests.OciManifestType))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal(subjectDigest, OciAssert.Header(put, "OCI-Subject"));
        }
        byte[] sig = Manifests.OciImage(config, 2, layer, 1, subjectDigest, subject.Length, "application/vnd.example.sig");
        using (var put = await server.PutManifestAsync("ref", RegistryServer.Sha256(sig), sig, Manifests.OciManifestType))
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        using var all = await server.Client.GetAsync($"/v2/ref/referrers/{subjectDigest}");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal(Manifests.OciIndexType, all.Content.Headers.ContentType?.MediaType);
        using (var json = JsonDocument.Parse(await all.Content.ReadAsStringAsync()))
        {
            Assert.Equal(2, json.RootElement.GetProperty("schemaVersion").GetInt32());
            Assert.Equal(Manifests.OciIndexType, json.RootElement.GetProperty("mediaType").GetString());
            Assert.Equal(2, json.RootElement.GetProperty("manifests").GetArrayLength());
        }
        Assert.False(all.Headers.Contains("OCI-Filters-Applied"));

        using var filtered = await server.Client.GetAsync($"/v2/ref/referrers/{subjectDigest}?artifactType=application/vnd.example.sig");
        Assert.Equal("artifactType", OciAssert.Header(filtered, "OCI-Filters-Applied"));
        using (var json = JsonDocument.Parse(await filtered.Content.ReadAsStringAsync()))
        {
            var manifests = json.RootElement.GetProperty("manifests");
            Assert.Equal(1, manifests.GetArrayLength());
            Assert.Equal(RegistryServer.Sha256(sig), manifests[0].GetProperty("digest").GetString());
            Assert.Equal("application/vnd.example.sig", manifests[0].GetProperty("artifactType").GetString());
        }
    }

    [Fact]
    public async Task Referrers_UnknownSubject_200EmptyIndex()
    {
        await using var server = await RegistryServer.StartAsync();
        using var response = await server.Client.GetAsync($"/v2/nowhere/referrers/{RegistryServer.Sha256([3])}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, json.RootElement.GetProperty("manifests").GetArrayLength());
    }

    [Fact]
    public async Task Referrers_MalformedDigest_400DigestInvalid()
    {
        await using var server = await RegistryServer.StartAsync();
        using var response = await server.Client.GetAsync("/v2/x/referrers/sha256:nope");
        await OciAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Delete_TagThenDigest_202AndGone()
    {
        await using var server = await RegistryServer.StartAsync();
        var (_, digest) = await server.PushImageAsync("del", "v1");
        using (var delete = await server.Client.DeleteAsync("/v2/del/manifests/v1"))
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        using (var head = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/del/manifests/v1")))
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        using (var delete = await server.Client.DeleteAsync($"/v2/del/manifests/{digest}"))
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        using (var head = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/del/manifests/{digest}")))
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        using var again = await server.Client.DeleteAsync($"/v2/del/manifests/{digest}");
        await OciAssert.ErrorAsync(again, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }
}
