using System.Diagnostics;

namespace EdgeRegistry.Host.Tests.Mirrors;

/// <summary>
/// Real skopeo (the containers/image library CRI-O uses), isolated from the machine's caches and
/// configuration: its own HOME/XDG directories and an explicit registries.conf.
/// </summary>
internal static class Skopeo
{
    private const string Binary = "/usr/bin/skopeo";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static (int ExitCode, string Output) Inspect(string registriesConf, string home, string reference)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install the Debian package 'skopeo' (tests/run-tests.sh does)");
        }

        // --no-tags: listing tags goes to the source repository itself, never through mirrors, so with a
        // blocked source it fails before the image is resolved; CRI-O never lists tags.
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--registries-conf", registriesConf, "inspect", "--no-tags", "--retry-times", "0", "--format", "{{.Digest}}", reference },
        };
        start.Environment["_CONTAINERS_ROOTLESS_UID"] = "65534";
        start.Environment["HOME"] = home;
        start.Environment["XDG_DATA_HOME"] = home;
        start.Environment["XDG_RUNTIME_DIR"] = home;
        start.Environment["XDG_CONFIG_HOME"] = home;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start skopeo");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"skopeo inspect {reference} did not finish within {Timeout}");
        }

        return (process.ExitCode, (output.Result + error.Result).Trim());
    }
}
