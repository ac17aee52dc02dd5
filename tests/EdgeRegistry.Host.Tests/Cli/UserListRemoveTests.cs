using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using EdgeRegistry.Host.Tests.Support;

namespace EdgeRegistry.Host.Tests.Cli;

/// <summary>
/// `edgereg user list/remove` and registry:2's htpasswd file as it is: bcrypt lines written by the real
/// <c>htpasswd -B</c> (apache2-utils), next to edgereg's own PBKDF2 lines, checked by a real registry host.
/// </summary>
public sealed class UserListRemoveTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Push_HtpasswdBcryptFileAsItIs_BcryptUserPushesWrongPasswordRefused()
    {
        var credentials = await HtpasswdAsync("seed", "from-registry2");
        var settings = RunningRegistry.Settings(_temp.File("store")) with { AnonymousWrites = false, CredentialsFile = credentials };
        await using var registry = await RunningRegistry.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var blob = Encoding.UTF8.GetBytes("pushed with the seed's password");

        http.DefaultRequestHeaders.Authorization = Basic("seed", "wrong");
        using var refused = await http.PostAsync($"/v2/team/app/blobs/uploads/?digest={Sha256Digest.Of(blob)}", new ByteArrayContent(blob));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        http.DefaultRequestHeaders.Authorization = Basic("seed", "from-registry2");
        await OciPush.BlobAsync(http, "team/app", blob);
    }

    [Fact]
    public async Task UserList_HtpasswdAndPbkdf2AndBadLine_SchemesAndWhyOneIsSkipped()
    {
        var credentials = await HtpasswdAsync("seed", "pw");
        await new CapturedProcess("s3cret\n").RunAsync("user", "add", "alice", "--credentials-file", credentials);
        File.AppendAllText(credentials, "old:$apr1$abc$def\n");
        var process = new CapturedProcess();

        var exit = await process.RunAsync("user", "list", "--credentials-file", credentials);

        Assert.Equal(0, exit);
        Assert.Equal(
            ["seed   bcrypt", "alice  pbkdf2-sha256",
             "old    skipped (line 3): MD5 ($apr1$) and SHA-1 ({SHA}) htpasswd entries are not accepted (registry:2 refuses them too); set the password again with `edgereg user add`"],
            process.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("$2y$", process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserList_Json_UsersWithSchemesAndNoHashes()
    {
        var credentials = await HtpasswdAsync("seed", "pw");
        var process = new CapturedProcess();

        var exit = await process.RunAsync("user", "list", "--credentials-file", credentials, "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(process.Output);
        Assert.Equal(credentials, json.RootElement.GetProperty("credentialsFile").GetString());
        var user = Assert.Single(json.RootElement.GetProperty("users").EnumerateArray());
        Assert.Equal(["user", "scheme", "line", "problem"], user.EnumerateObject().Select(p => p.Name));
        Assert.Equal("bcrypt", user.GetProperty("scheme").GetString());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task UserRemove_ExistingUser_OnlyTheirLineGoneMode0600()
    {
        var credentials = await HtpasswdAsync("seed", "pw");
        await new CapturedProcess("s3cret\n").RunAsync("user", "add", "alice", "--credentials-file", credentials);
        var process = new CapturedProcess();

        var exit = await process.RunAsync("user", "remove", "seed", "--credentials-file", credentials);

        Assert.Equal(0, exit);
        Assert.Equal($"user \"seed\" removed from {credentials}\n", process.Output);
        var line = Assert.Single(File.ReadAllLines(credentials));
        Assert.StartsWith("alice:pbkdf2-sha256$", line, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
    }

    [Fact]
    public async Task UserRemove_UnknownUser_Exit2FileUntouched()
    {
        var credentials = await HtpasswdAsync("seed", "pw");
        var before = await File.ReadAllTextAsync(credentials);
        var process = new CapturedProcess();

        var exit = await process.RunAsync("user", "remove", "nobody", "--credentials-file", credentials);

        Assert.Equal(2, exit);
        Assert.Equal([$"edgereg: no user \"nobody\" in {credentials} (`edgereg user list` shows who is there)"], process.ErrorLines);
        Assert.Equal(before, await File.ReadAllTextAsync(credentials));
    }

    /// <summary>An htpasswd file made the way registry:2's documentation says: <c>htpasswd -Bbn</c>.</summary>
    private async Task<string> HtpasswdAsync(string user, string password)
    {
        var path = _temp.File("htpasswd");
        var result = await ProcessRunner.RunAsync("htpasswd", ["-Bbc", path, user, password], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.Output);
        return path;
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
