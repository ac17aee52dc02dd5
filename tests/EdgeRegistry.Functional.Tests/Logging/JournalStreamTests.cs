using System.Text;
using System.Text.RegularExpressions;
using EdgeRegistry.Functional.Tests.Infrastructure;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Logging;

/// <summary>
/// What the published binary writes when systemd connects its standard output to journald: one entry per line
/// with the syslog priority, no timestamp, no colour, and the event's fields as name=value.
/// </summary>
public sealed partial class JournalStreamTests(ITestOutputHelper output)
{
    /// <summary>
    /// Like systemd, sets JOURNAL_STREAM to the device and inode of the stream standard output is connected to
    /// (here the test's pipe), then execs edgereg with that standard output.
    /// </summary>
    private const string AsIfUnderJournald =
        """exec 3>&1; JOURNAL_STREAM="$(stat -L -c %d:%i /proc/self/fd/3)"; export JOURNAL_STREAM; exec 3>&-; exec "$0" "$@" """;

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_StdoutIsJournalStream_PriorityPrefixedLinesWithFields()
    {
        using var temp = new TempDirectory("journal");
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root"))
        {
            LaunchPrefix = ["/bin/sh", "-c", AsIfUnderJournald],
        }, output);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TestTimeouts.HttpRequest };

        var manifestDigest = await PushImageAsync(http, "team/app", "v1");
        var stored = await WaitForLineAsync(server, "Manifest " + manifestDigest);

        var lines = StandardOutput(server);
        Assert.All(lines, line => Assert.Matches(PriorityPrefix(), line));
        Assert.All(lines, line => Assert.DoesNotContain('\u001b', line));
        Assert.All(lines, line => Assert.DoesNotMatch(Timestamp(), line));
        Assert.Contains(lines, line => line.StartsWith("<6>", StringComparison.Ordinal) && line.Contains("listening on", StringComparison.Ordinal));
        // The anonymous-writes warning at start-up is filed at warning priority.
        Assert.Contains(lines, line => line.StartsWith("<4>", StringComparison.Ordinal) && line.Contains("Anonymous writes", StringComparison.Ordinal));
        Assert.StartsWith("<6>", stored, StringComparison.Ordinal);
        Assert.Contains(" repository=team/app", stored, StringComparison.Ordinal);
        Assert.Contains(" digest=" + manifestDigest, stored, StringComparison.Ordinal);
        Assert.Contains(" reference=v1", stored, StringComparison.Ordinal);
        // The request's scopes follow the event id, the connection's before the request's, as they always have.
        Assert.Matches(RequestScopeFields(), stored);
    }

    [Fact(Timeout = TestTimeouts.TestMs)]
    public async Task Serve_JournalStreamOfAnotherStream_PlainLinesWithoutPriority()
    {
        using var temp = new TempDirectory("journal-inherited");
        // JOURNAL_STREAM inherited from a unit while standard output goes elsewhere: not the journal.
        await using var server = await EdgeregServer.StartAsync(new EdgeregOptions(temp.Sub("root"))
        {
            Environment = new Dictionary<string, string> { ["JOURNAL_STREAM"] = "8:1" },
        }, output);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TestTimeouts.HttpRequest };

        var manifestDigest = await PushImageAsync(http, "team/app", "v1");
        var stored = await WaitForLineAsync(server, "Manifest " + manifestDigest);

        Assert.DoesNotMatch(PriorityPrefix(), stored);
        Assert.All(StandardOutput(server), line => Assert.DoesNotMatch(PriorityPrefix(), line));
    }

    private static List<string> StandardOutput(EdgeregServer server) =>
        server.Output.Split('\n').Where(l => l.StartsWith("out| ", StringComparison.Ordinal)).Select(l => l["out| ".Length..].TrimEnd('\r'))
            .Where(l => l.Length > 0).ToList();

    /// <summary>Polls the server's output (bounded) for a standard-output line containing <paramref name="text"/>.</summary>
    private static async Task<string> WaitForLineAsync(EdgeregServer server, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (StandardOutput(server).FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line) return line;
            Assert.True(DateTime.UtcNow < deadline, $"no line with '{text}' in:\n{server.Output}");
            await Task.Delay(50);
        }
    }

    private static async Task<string> PushImageAsync(HttpClient http, string repository, string tag)
    {
        var layer = Encoding.UTF8.GetBytes("journal layer");
        var config = Encoding.UTF8.GetBytes("""{"architecture":"amd64","os":"linux"}""");
        var layerDigest = await OciPush.BlobAsync(http, repository, layer);
        var configDigest = await OciPush.BlobAsync(http, repository, config);
        var manifest = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{config.Length}}},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{layerDigest}}","size":{{layer.Length}}}]}
            """);
        return await OciPush.ManifestAsync(http, repository, tag, "application/vnd.oci.image.manifest.v1+json", manifest);
    }

    [GeneratedRegex("^<[0-7]>")]
    private static partial Regex PriorityPrefix();

    [GeneratedRegex(@" eventId=2001 connectionId=(\w+) requestId=\1:[0-9A-F]{8} requestPath=/v2/team/app/manifests/v1$")]
    private static partial Regex RequestScopeFields();

    [GeneratedRegex(@"\d{2}:\d{2}:\d{2}")]
    private static partial Regex Timestamp();
}
