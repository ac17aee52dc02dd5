using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using EdgeRegistry.Cli;
using EdgeRegistry.Hosting;
using EdgeRegistry.Host.Tests.Support;
using EdgeRegistry.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace EdgeRegistry.Host.Tests.Logging;

/// <summary>
/// The host's logging as <c>serve</c> wires it: the logger built once, registered through
/// Serilog.Extensions.Hosting, and Serilog's console sink writing standard output, a real request served on
/// loopback in between.
/// </summary>
[Collection(StandardOutputCollection.Name)]
public sealed class HostLoggingTests
{
    private static readonly byte[] Blob = Encoding.UTF8.GetBytes("journal blob");
    private static readonly string BlobDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Blob));

    [Fact]
    public async Task Build_JournalStyleEventDuringRequest_FieldsThenScopesOutermostFirst()
    {
        var output = await ServeOneUploadAsync(LoggingSetup.CreateLogger(LogEventLevel.Debug, ConsoleStyle.Journal));

        // The line as edgereg has always written it: the message's fields, the event id, then the connection's
        // scope before the request's.
        var line = Assert.Single(output, line => line.Contains("committed to", StringComparison.Ordinal));
        var expected = "^" + Regex.Escape(
                $"<7>EdgeRegistry.Distribution.Uploads: Blob {BlobDigest} (12 bytes) committed to team/app repository=team/app digest={BlobDigest} bytes=12 eventId=2003 ")
            + @"connectionId=(\w+) requestId=\1:00000001 requestPath=/v2/team/app/blobs/uploads/$";
        Assert.True(Regex.IsMatch(line, expected), line);
        Assert.All(output, line => Assert.Matches("^<[3467]>", line));
    }

    [Fact]
    public async Task Build_InformationLevel_AspNetCoreBelowWarningAndDebugLeftOut()
    {
        var output = await ServeOneUploadAsync(LoggingSetup.CreateLogger(LogEventLevel.Information, ConsoleStyle.Journal));

        Assert.Contains(output, line => line.StartsWith("<6>Microsoft.Hosting.Lifetime: Now listening on: http://127.0.0.1:", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.StartsWith("<7>", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_VerboseLevel_AspNetCoreTraceWritten()
    {
        var output = await ServeOneUploadAsync(LoggingSetup.CreateLogger(LogEventLevel.Verbose, ConsoleStyle.Plain));

        Assert.Contains(output, line => line.Contains(" VRB Microsoft.AspNetCore.", StringComparison.Ordinal) || line.Contains(" DBG Microsoft.AspNetCore.", StringComparison.Ordinal));
        Assert.All(output.Where(line => !line.StartsWith(' ')), line => Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2} [A-Z]{3} ", line));
    }

    [Fact]
    public async Task Build_SerilogExtensionsHostingRegistrations_TheOneLoggerAndItsLevels()
    {
        using var temp = new TempDirectory();
        var logger = LoggingSetup.CreateLogger(LogEventLevel.Information, ConsoleStyle.Plain);
        await using var app = RegistryHost.Build(RunningRegistry.Settings(temp.Path), logger);
        var factory = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.Same(logger, app.Services.GetRequiredService<Serilog.ILogger>());
        Assert.NotNull(app.Services.GetRequiredService<Serilog.IDiagnosticContext>());
        Assert.True(factory.CreateLogger("EdgeRegistry.Serve").IsEnabled(LogLevel.Information));
        Assert.False(factory.CreateLogger("EdgeRegistry.Serve").IsEnabled(LogLevel.Debug));
        Assert.False(factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
        Assert.True(factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public async Task Build_InformationLevel_OneAccessLinePerRequestWithClientMethodPathStatusBytesDuration()
    {
        var output = await ServeOneUploadAsync(LoggingSetup.CreateLogger(LogEventLevel.Information, ConsoleStyle.Journal));

        var line = Assert.Single(output, line => line.StartsWith("<6>EdgeRegistry.Access: ", StringComparison.Ordinal));
        var expected = "^" + Regex.Escape($"<6>EdgeRegistry.Access: 127.0.0.1 POST /v2/team/app/blobs/uploads/?digest={BlobDigest} 201 0 bytes ")
            + @"\d+(\.\d)? ms client=127\.0\.0\.1 method=POST path=\S+ status=201 bytes=0 durationMs=\S+ eventId=100 ";
        Assert.True(Regex.IsMatch(line, expected), line);
    }

    [Theory]
    [InlineData("/_edgereg/peer/v1/feed", 200, true)]
    [InlineData("/_edgereg/peer/v1/users", 304, true)]
    [InlineData("/_edgereg/peer/v1/feed", 401, false)]
    [InlineData("/_edgereg/peer/v1/blobs/sha256:00", 500, false)]
    [InlineData("/v2/_edgereg/peer/v1/feed", 200, false)]
    [InlineData("/_edgereg/peerless", 200, false)]
    [InlineData("/_edgereg/uplink/v1/team/app/blobs/sha256:00", 200, true)]
    [InlineData("/_edgereg/uplink/v1/team/app/blobs/sha256:00", 404, false)]
    [InlineData("/v2/team/app/manifests/latest", 200, false)]
    public void AccessLog_PeerTrafficThatSucceeded_AtDebugSoPullsStandOut(string path, int status, bool debug) =>
        Assert.Equal(debug, AccessLog.WrittenAtDebug(new PathString(path), status));

    [Fact]
    public async Task Build_AccessLogOff_NoAccessLines()
    {
        var output = await ServeOneUploadAsync(LoggingSetup.CreateLogger(LogEventLevel.Information, ConsoleStyle.Journal), accessLog: false);

        Assert.DoesNotContain(output, line => line.Contains("EdgeRegistry.Access", StringComparison.Ordinal));
        Assert.Contains(output, line => line.StartsWith("<6>Microsoft.Hosting.Lifetime: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_PortInUse_OneSentenceAndNoStackTrace()
    {
        using var temp = new TempDirectory();
        using var holder = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var process = new CapturedProcess();
        var exit = 0;

        var output = await CaptureStandardOutputAsync(async () => exit = await process.RunAsync("serve", "--listen", $"127.0.0.1:{port}",
            "--root", temp.File("store"), "--config", temp.WriteFile("config.json", "{}"), "--status-socket", temp.File("status.sock")));

        Assert.Equal(1, exit);
        Assert.Equal([$"edgereg: cannot listen on 127.0.0.1:{port}: Failed to bind to address http://127.0.0.1:{port}: address already in use."], process.ErrorLines);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", output, StringComparison.Ordinal);
    }

    private static async Task<List<string>> ServeOneUploadAsync(Serilog.Core.Logger logger, bool accessLog = true)
    {
        using var temp = new TempDirectory();
        var output = await CaptureStandardOutputAsync(async () =>
        {
            await using var app = RegistryHost.Build(RunningRegistry.Settings(temp.Path) with { AccessLog = accessLog }, logger);
            RegistryHost.OpenStore(app);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(ServeRunner.BoundAddresses(app).Single()), Timeout = TimeSpan.FromSeconds(10) };
            using var body = new ByteArrayContent(Blob);
            using var response = await http.PostAsync($"/v2/team/app/blobs/uploads/?digest={BlobDigest}", body);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await app.StopAsync(stop.Token);
        });
        return output.Split('\n').Where(line => line.Length > 0).ToList();
    }

    private static async Task<string> CaptureStandardOutputAsync(Func<Task> run)
    {
        var original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            await run();
        }
        finally
        {
            Console.SetOut(original);
        }

        return captured.ToString();
    }
}
