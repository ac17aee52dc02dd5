namespace EdgeRegistry.TestSupport;

/// <summary>
/// Debian's skopeo (the containers/image library CRI-O uses), isolated per instance as docs/environment.md
/// prescribes: run as root it would share a blob-info cache under /var/lib/containers/cache with every other run,
/// turning pushes to "fresh" repositories into cross-repository mounts. Each instance gets its own HOME/XDG dirs, a
/// rootless UID so that cache lands there, an accept-anything signature policy and, optionally, a registries.conf
/// (what a CRI-O node's mirror setup looks like to containers/image; skopeo 1.9 honours only the --registries-conf
/// flag, not the environment variable). TLS verification is off because the registries under test serve plain
/// HTTP on loopback.
/// </summary>
public sealed class Skopeo
{
    private const string BinaryPath = "/usr/bin/skopeo";

    /// <summary>One skopeo invocation on small test images, on a loaded 2-core CI machine.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly string _home;
    private readonly string _policy;
    private readonly string? _registriesConf;
    private readonly IReadOnlyList<string> _launchPrefix;

    /// <param name="isolatedHome">HOME and XDG directories of this instance (created if missing).</param>
    /// <param name="registriesConf">A registries.conf to resolve images through, or null for none.</param>
    /// <param name="launchPrefix">A command skopeo runs through, e.g. `ip netns exec NS` to act as a client on that node.</param>
    public Skopeo(string isolatedHome, string? registriesConf = null, IReadOnlyList<string>? launchPrefix = null)
    {
        _home = isolatedHome;
        _registriesConf = registriesConf;
        _launchPrefix = launchPrefix ?? [];
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

    /// <summary>
    /// The digest an image reference resolves to (in <see cref="ProcessResult.Output"/>), as CRI-O resolves it:
    /// through the registries.conf mirrors, without retries.
    /// </summary>
    public Task<ProcessResult> InspectDigestAsync(string reference) =>
        // --no-tags: listing tags goes to the source repository itself, never through mirrors, so with a
        // blocked source it fails before the image is resolved; CRI-O never lists tags.
        RunAsync(["inspect", "--no-tags", "--retry-times", "0", "--format", "{{.Digest}}", reference]);

    public Task<ProcessResult> DeleteAsync(string image) =>
        RunAsync(["delete", "--tls-verify=false", image]);

    public Task<ProcessResult> ListTagsAsync(string repository) =>
        RunAsync(["list-tags", "--tls-verify=false", repository]);

    /// <summary>Runs skopeo with these arguments after the isolation options, within <see cref="CommandTimeout"/>.</summary>
    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments)
    {
        if (!File.Exists(BinaryPath))
        {
            throw new InvalidOperationException($"{BinaryPath} is missing: install Debian's skopeo (tests/run-tests.sh does).");
        }

        // --command-timeout makes skopeo give up on its own, shortly before the runner would kill it.
        var ownTimeout = CommandTimeout - TimeSpan.FromSeconds(10);
        List<string> global = ["--policy", _policy, "--command-timeout", $"{(int)ownTimeout.TotalSeconds}s"];
        if (_registriesConf is not null)
        {
            global.AddRange(["--registries-conf", _registriesConf]);
        }

        List<string> command = [.. _launchPrefix, BinaryPath, .. global, .. arguments];
        return ProcessRunner.RunAsync(
            command[0],
            command.Skip(1),
            CommandTimeout,
            new Dictionary<string, string>
            {
                ["_CONTAINERS_ROOTLESS_UID"] = "65534",
                ["XDG_DATA_HOME"] = _home,
                ["XDG_RUNTIME_DIR"] = _home,
                ["XDG_CONFIG_HOME"] = _home,
                ["HOME"] = _home,
            });
    }
}
