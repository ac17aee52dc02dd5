using System.Diagnostics;

namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>
/// A real edgereg process ($EDGEREG_BINARY) on a 127.0.0.1 port with its own store, as a peer the bootstrap
/// script fetches from. Anonymous loopback writes let the test push without credentials.
/// </summary>
internal sealed class EdgeregPeer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly string _root;

    private EdgeregPeer(Process process, string root, int port)
    {
        _process = process;
        _root = root;
        Address = $"127.0.0.1:{port}";
    }

    /// <summary>HOST:PORT, as it appears in config.json's members.</summary>
    public string Address { get; }

    public static async Task<EdgeregPeer> StartAsync(string root)
    {
        Directory.CreateDirectory(root);
        var port = FreePort.Next();
        var start = new ProcessStartInfo(EdgeregBinary.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "serve", "--root", Path.Combine(root, "store"), "--listen", $"127.0.0.1:{port}", "--anonymous-writes",
                "--credentials-file", Path.Combine(root, "no-credentials"), "--config", EmptyConfig(root),
            },
        };
        foreach (var variable in new[] { "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID" })
        {
            start.Environment.Remove(variable);
        }

        foreach (var variable in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(name => name.StartsWith("EDGEREG_", StringComparison.Ordinal)))
        {
            start.Environment.Remove(variable);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start edgereg");
        // Drain output so a chatty server never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var peer = new EdgeregPeer(process, root, port);
        await peer.WaitUntilServingAsync();
        return peer;
    }

    public async Task PushBlobAsync(string repository, byte[] blob)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://{Address}"), Timeout = TimeSpan.FromSeconds(30) };
        await OciPush.BlobAsync(client, repository, blob);
    }

    /// <summary>Flips every byte of a stored blob in place (same length): a peer with a rotten disk.</summary>
    public void CorruptStoredBlob(string digest)
    {
        var hex = digest["sha256:".Length..];
        var data = Path.Combine(_root, "store", "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
        var bytes = File.ReadAllBytes(data);
        File.WriteAllBytes(data, bytes.Select(value => (byte)~value).ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private async Task WaitUntilServingAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"http://{Address}/v2/"));
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"edgereg did not serve on {Address} within {StartTimeout} (exited: {_process.HasExited})");
    }

    // An explicit empty config keeps a machine's /etc/edgereg/config.json out of the test.
    private static string EmptyConfig(string root)
    {
        var path = Path.Combine(root, "config.json");
        File.WriteAllText(path, "{}\n");
        return path;
    }
}
