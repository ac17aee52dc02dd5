using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeRegistry.Deployment.Tests.Infrastructure;

namespace EdgeRegistry.Deployment.Tests;

/// <summary>The /etc/edgereg/config.json a MachineConfig lays down: documented keys only, no secrets, and accepted by the real binary.</summary>
public sealed class EmbeddedConfigTests
{
    private const string ConfigPath = "/etc/edgereg/config.json";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // The config keys README.md "serve settings" documents.
    private static readonly string[] DocumentedKeys =
    [
        "listen", "root", "credentialsFile", "tlsCert", "tlsKey", "anonymousWrites", "logLevel",
        "shutdownTimeoutSeconds", "maxManifestBytes", "members", "nodeName", "clusterSecretFile",
        "replicationBytesPerSecond", "statusSocket",
    ];

    [Theory]
    [MemberData(nameof(Roles.All), MemberType = typeof(Roles))]
    public void ConfigFile_InMachineConfig_UsesDocumentedKeysAndServesStoreOnPort5000(string role)
    {
        var file = MachineConfigDocument.Load(RepositoryFiles.MachineConfig(role)).FileAt(ConfigPath);
        using var document = JsonDocument.Parse(file.Contents);
        var settings = document.RootElement.EnumerateObject().ToDictionary(property => property.Name, property => property.Value);

        Assert.All(settings.Keys, key => Assert.Contains(key, DocumentedKeys));
        Assert.Equal(["[::]:5000"], settings["listen"].EnumerateArray().Select(address => address.GetString()));
        Assert.Equal("/var/local-registry", settings["root"].GetString());
        // A MachineConfig is readable cluster-wide and the MCO forbids run-time edits: no credentials, and no
        // anonymous writes, ever in this file.
        Assert.DoesNotContain("anonymousWrites", settings.Keys);
        Assert.DoesNotContain("password", file.Contents, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(420, file.Mode);
    }

    [Theory]
    [MemberData(nameof(Roles.All), MemberType = typeof(Roles))]
    public async Task Serve_WithConfigFromMachineConfig_ListensAndAnswersHttp(string role)
    {
        var file = MachineConfigDocument.Load(RepositoryFiles.MachineConfig(role)).FileAt(ConfigPath);
        using var temp = new TempDirectory();
        var configPath = temp.Combine("config.json");
        File.WriteAllText(configPath, file.Contents);

        var (status, details) = await StartAndProbeAsync(temp, configPath);

        // edgereg validates every setting before it listens and exits 2 on a bad one, so any HTTP answer
        // (the API may demand credentials) means the file was accepted.
        Assert.True(status is not null, $"edgereg did not answer /v2/:\n{details}");
    }

    [Fact]
    public async Task Serve_ConfigWithUnknownKey_ExitsWithoutListening()
    {
        // Proves the binary really reads and checks the file: otherwise the test above would prove nothing.
        using var temp = new TempDirectory();
        var configPath = temp.Combine("config.json");
        File.WriteAllText(configPath, """{"listen": ["0.0.0.0:5000"], "lisen": ["0.0.0.0:5000"]}""");

        var (status, details) = await StartAndProbeAsync(temp, configPath);

        Assert.True(status is null, $"edgereg answered {status} with an unknown config key");
        Assert.Contains("exit 2", details, StringComparison.Ordinal);
        Assert.Contains("lisen", details, StringComparison.Ordinal);
    }

    private static async Task<(HttpStatusCode? Status, string Details)> StartAndProbeAsync(TempDirectory temp, string configPath)
    {
        var port = FreeLoopbackPort();

        // Flags override where the node's paths and port would be; the file itself is still read and validated.
        var start = new ProcessStartInfo(EdgeregBinaryPath())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "serve", "--config", configPath, "--root", temp.Combine("store"),
                "--credentials-file", temp.Combine("credentials"), "--listen", $"127.0.0.1:{port}",
                "--cluster-secret-file", WriteClusterSecret(temp), "--node-name", "192.0.2.11:5000",
            },
        };
        foreach (var variable in new[] { "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "EDGEREG_LISTEN", "EDGEREG_ROOT", "EDGEREG_CONFIG" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start edgereg");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        HttpStatusCode? status = null;
        try
        {
            status = await WaitForV2Async(process, port);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        return (status, $"exit {process.ExitCode}\n{await output}{await error}");
    }

    // The config names cluster members; a node in a cluster reads the shared secret (0600) at start.
    private static string WriteClusterSecret(TempDirectory temp)
    {
        var path = temp.Combine("cluster-secret");
        File.WriteAllText(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private static async Task<HttpStatusCode?> WaitForV2Async(Process process, int port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/v2/"));
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
            catch (TaskCanceledException)
            {
                await Task.Delay(100);
            }
        }

        return null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string EdgeregBinaryPath()
    {
        var path = Environment.GetEnvironmentVariable("EDGEREG_BINARY");
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                "EDGEREG_BINARY is not set or does not exist. This test runs the published binary: build it with " +
                "packaging/build-binary.sh and export EDGEREG_BINARY=$PWD/out/edgereg, or run tests/run-tests.sh.");
        }

        return Path.GetFullPath(path);
    }
}
