using System.Diagnostics;

namespace EdgeRegistry.Systemd.Tests.DBus;

/// <summary>
/// A real dbus-daemon on a private socket under a temp directory (plus an abstract socket), from a generated
/// configuration that lets anyone own any name. Killed and cleaned up on dispose.
/// </summary>
public sealed class PrivateBus : IDisposable
{
    private readonly Process _daemon;
    private readonly string _directory;

    public PrivateBus()
    {
        _directory = Directory.CreateTempSubdirectory("edgereg-dbus-").FullName;
        SocketPath = Path.Combine(_directory, "bus");
        AbstractName = "edgereg-test-bus-" + Guid.NewGuid().ToString("N");
        string config = Path.Combine(_directory, "bus.conf");
        File.WriteAllText(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
              "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:path={SocketPath}</listen>
              <listen>unix:abstract={AbstractName}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow send_destination="*" eavesdrop="true"/>
                <allow eavesdrop="true"/>
                <allow own="*"/>
              </policy>
            </busconfig>
            """);
        var start = new ProcessStartInfo("/usr/bin/dbus-daemon", ["--config-file=" + config, "--nofork", "--nopidfile", "--print-address=1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _daemon = Process.Start(start) ?? throw new InvalidOperationException("dbus-daemon did not start");
        Task<string?> firstLine = _daemon.StandardOutput.ReadLineAsync();
        if (!firstLine.Wait(TimeSpan.FromSeconds(10)) || string.IsNullOrEmpty(firstLine.Result))
        {
            string stderr = _daemon.HasExited ? _daemon.StandardError.ReadToEnd() : "(no output within 10 s)";
            Dispose();
            throw new InvalidOperationException("dbus-daemon did not print its address: " + stderr);
        }
        PrintedAddress = firstLine.Result;
    }

    public string SocketPath { get; }

    public string AbstractName { get; }

    /// <summary>The address as dbus-daemon printed it (it adds a guid= key).</summary>
    public string PrintedAddress { get; }

    public string PathAddress => "unix:path=" + SocketPath;

    public void Dispose()
    {
        try
        {
            if (!_daemon.HasExited)
            {
                _daemon.Kill();
                _daemon.WaitForExit(5000);
            }
        }
        finally
        {
            _daemon.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
