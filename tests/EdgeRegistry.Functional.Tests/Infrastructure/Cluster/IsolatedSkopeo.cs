using EdgeRegistry.Functional.Tests.Infrastructure.Processes;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Cluster;

/// <summary>
/// skopeo isolated as docs/environment.md prescribes (own HOME/XDG dirs, rootless UID so the blob-info cache lands
/// there, accept-anything policy), with an optional registries.conf — what a CRI-O node's mirror setup looks
/// like to containers/image. skopeo 1.9 honours only the --registries-conf flag, not the environment variable.
/// </summary>
internal sealed class IsolatedSkopeo
{
    private const string BinaryPath = "/usr/bin/skopeo";
    private readonly string _home;
    private readonly string _policy;
    private readonly string? _registriesConf;
    private readonly IReadOnlyList<string> _launchPrefix;

    /// <param name="launchPrefix">A command skopeo runs through, e.g. `ip netns exec NS` to act as a client on that node.</param>
    public IsolatedSkopeo(string isolatedHome, string? registriesConf = null, IReadOnlyList<string>? launchPrefix = null)
    {
        _home = isolatedHome;
        _registriesConf = registriesConf;
        _launchPrefix = launchPrefix ?? [];
        Directory.CreateDirectory(_home);
        _policy = Path.Combine(_home, "policy.json");
        File.WriteAllText(_policy, """{"default":[{"type":"insecureAcceptAnything"}]}""");
    }

    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments)
    {
        List<string> global = ["--policy", _policy, "--command-timeout", "100s"];
        if (_registriesConf is not null)
        {
            global.AddRange(["--registries-conf", _registriesConf]);
        }

        List<string> command = [.. _launchPrefix, BinaryPath, .. global, .. arguments];
        return ProcessRunner.RunAsync(
            command[0],
            command.Skip(1),
            TestTimeouts.ClientCommand,
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
