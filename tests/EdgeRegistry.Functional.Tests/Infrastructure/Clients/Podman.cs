using EdgeRegistry.Functional.Tests.Infrastructure.Processes;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Clients;

/// <summary>
/// podman as root with its own vfs store: it unpacks layers the way CRI-O's containers/storage does, the
/// closest stand-in for CRI-O on this machine.
/// </summary>
internal sealed class Podman
{
    public const string BinaryPath = "/usr/bin/podman";
    private readonly string _storeDirectory;
    private readonly string? _registriesConf;
    private readonly IReadOnlyList<string> _launchPrefix;

    /// <param name="registriesConf">A registries.conf to resolve images through (CONTAINERS_REGISTRIES_CONF), or null.</param>
    /// <param name="launchPrefix">A command podman runs through, e.g. `ip netns exec NS` to pull as a node's CRI-O does.</param>
    public Podman(string storeDirectory, string? registriesConf = null, IReadOnlyList<string>? launchPrefix = null)
    {
        _storeDirectory = storeDirectory;
        _registriesConf = registriesConf;
        _launchPrefix = launchPrefix ?? [];
        Directory.CreateDirectory(_storeDirectory);
    }

    public Task<ProcessResult> PullAsync(string reference) =>
        RunAsync(["pull", "--tls-verify=false", reference]);

    /// <summary>`podman image inspect --format {{.Digest}}`: the manifest digest podman recorded.</summary>
    public Task<ProcessResult> ImageDigestAsync(string reference) =>
        RunAsync(["image", "inspect", "--format", "{{.Digest}}", reference]);

    /// <summary>`podman image mount`: prints where the image's unpacked root file system is.</summary>
    public Task<ProcessResult> MountAsync(string reference) =>
        RunAsync(["image", "mount", reference]);

    private Task<ProcessResult> RunAsync(IEnumerable<string> arguments) =>
        ProcessRunner.RunAsync(
            _launchPrefix.Count == 0 ? BinaryPath : _launchPrefix[0],
            [
                .. _launchPrefix.Skip(1),
                .. _launchPrefix.Count == 0 ? Array.Empty<string>() : [BinaryPath],
                "--root", Path.Combine(_storeDirectory, "root"),
                "--runroot", Path.Combine(_storeDirectory, "run"),
                "--storage-driver", "vfs",
                "--cgroup-manager", "cgroupfs",
                "--events-backend", "none",
                .. arguments,
            ],
            TestTimeouts.ClientCommand,
            new Dictionary<string, string>
            {
                ["HOME"] = _storeDirectory,
                ["XDG_RUNTIME_DIR"] = Path.Combine(_storeDirectory, "run"),
                ["CONTAINERS_REGISTRIES_CONF"] = _registriesConf ?? "/etc/containers/registries.conf",
            });
}
