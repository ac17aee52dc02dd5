using System.Net;
using System.Text.Json;

namespace EdgeRegistry.Distribution.Tests.Support;

/// <summary>Assertions on the spec's error body.</summary>
internal static class OciAssert
{
    public static async Task ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        AssertCode(body, code);
        Assert.Equal("registry/2.0", string.Join(",", response.Headers.GetValues("Docker-Distribution-API-Version")));
    }

    public static void AssertCode(string body, string code)
    {
        using var json = JsonDocument.Parse(body);
        var errors = json.RootElement.GetProperty("errors");
        Assert.True(errors.GetArrayLength() > 0, body);
        Assert.Equal(code, errors[0].GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(errors[0].GetProperty("message").GetString()));
    }

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : throw new Xunit.Sdk.XunitException($"header {name} missing");
}
