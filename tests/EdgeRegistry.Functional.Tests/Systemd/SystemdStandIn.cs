namespace EdgeRegistry.Functional.Tests.Systemd;

/// <summary>
/// A parent process named "systemd": Microsoft.Extensions.Hosting.Systemd decides that systemd runs the process by
/// its parent's name (/proc/PPID/comm), and only then makes SystemdLifetime the host's lifetime. A shell script's
/// process takes the script's file name, so this one is called systemd. It runs the command as its child (so
/// the child's parent is it) and passes SIGTERM on, as systemd's stop does, then exits with the child's status.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class SystemdStandIn
{
    private const string Script = """
        #!/bin/sh
        "$@" & child=$!
        trap 'kill -TERM "$child"; wait "$child"; exit $?' TERM
        wait "$child"; exit $?

        """;

    /// <summary>Writes the script into <paramref name="directory"/> and returns the launch prefix that runs a command under it.</summary>
    public static IReadOnlyList<string> Create(string directory)
    {
        string path = Path.Combine(directory, "systemd");
        File.WriteAllText(path, Script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return [path];
    }
}
