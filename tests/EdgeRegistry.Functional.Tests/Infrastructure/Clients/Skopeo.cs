using EdgeRegistry.Functional.Tests.Infrastructure.Processes;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Clients;

/// <summary>
/// Debian's skopeo, isolated per instance as docs/environment.md prescribes: run as root it would share a
/// blob-info cache under /var/lib/containers/cache with every other run, turning pushes to "fresh"
/// repositories into cross-repository mounts. Each instance gets its own HOME/XDG dirs, a rootless UID so
/// that cache lands there, and an accept-anything signature policy. TLS verification is off because the
/// registries under test serve plain HTTP on loopback.
/// </summary>
internal sealed class Skopeo
{
    private const string BinaryPath = "/usr/bin/skopeo";
    private readonly string _home;
    private readonly string _policy;

    public Skopeo(string isolatedHome)
    {
        _home = isolatedHome;
        Directory.CreateDirectory(_home);
        _policy = Path.Combine(_home, "policy.json");
        File.WriteAllText(_policy, """{"default":[{"type":"insecureAcceptAnything"}]}""");
    }

    /// <summary>`skopeo copy SRC DEST`; <paramref name="all"/> copies every instance of an index.</summary>
    public Task<ProcessResult> CopyAsync(string source, string destination, bool all = false, string? destinationCredentials = null)
    {
        List<string> arguments = ["copy", "--src-tls-verify=false", "--dest-tls-verify=false"];
        if (all)
        {
            arguments.Add("--all");
        }

        if (destinationCredentials is not null)
        {
            arguments.AddRange(["--dest-creds", destinationCredentials]);
        }

        arguments.AddRange([source, destination]);
        return RunAsync(arguments);
    }

    public Task<ProcessResult> InspectRawAsync(string image) =>
        RunAsync(["inspect", "--raw", "--tls-verify=false", image]);

    public Task<ProcessResult> DeleteAsync(string image) =>
        RunAsync(["delete", "--tls-verify=false", image]);

    public Task<ProcessResult> ListTagsAsync(string repository) =>
        RunAsync(["list-tags", "--tls-verify=false", repository]);

    private Task<ProcessResult> RunAsync(IEnumerable<string> arguments)
    {
        if (!File.Exists(BinaryPath))
        {
            throw new InvalidOperationException($"{BinaryPath} is missing: install Debian's skopeo (tests/run-tests.sh does).");
        }

        var environment = new Dictionary<string, string>
        {
            ["_CONTAINERS_ROOTLESS_UID"] = "65534",
            ["XDG_DATA_HOME"] = _home,
            ["XDG_RUNTIME_DIR"] = _home,
            ["XDG_CONFIG_HOME"] = _home,
            ["HOME"] = _home,
        };
        // --command-timeout makes skopeo give up on its own, shortly before the runner would kill it.
        var commandTimeout = TestTimeouts.ClientCommand - TimeSpan.FromSeconds(10);
        return ProcessRunner.RunAsync(
            BinaryPath,
            ["--policy", _policy, "--command-timeout", $"{(int)commandTimeout.TotalSeconds}s", .. arguments],
            TestTimeouts.ClientCommand,
            environment);
    }
}
