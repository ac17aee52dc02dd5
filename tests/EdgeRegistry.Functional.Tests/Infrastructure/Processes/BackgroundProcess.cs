using System.Diagnostics;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Processes;

/// <summary>
/// A long-running child (a registry server) whose output is captured for failure messages. Dispose kills
/// it, so a failing test never leaves a server behind.
/// </summary>
internal sealed class BackgroundProcess : IAsyncDisposable
{
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly OutputBuffer _output = new();

    private BackgroundProcess(Process process, string command)
    {
        _process = process;
        Command = command;
    }

    public string Command { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once it has exited (a SIGKILL shows as 137), else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public string Output => _output.ToString();

    /// <param name="removeVariables">Environment variables the child must not inherit.</param>
    /// <param name="setVariables">Environment variables to set for the child.</param>
    public static BackgroundProcess Start(string fileName, IEnumerable<string> arguments, IEnumerable<string>? removeVariables = null,
        IReadOnlyDictionary<string, string>? setVariables = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in removeVariables ?? [])
        {
            startInfo.Environment.Remove(name);
        }

        foreach (var (name, value) in setVariables ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var command = fileName + " " + string.Join(' ', startInfo.ArgumentList);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var started = new BackgroundProcess(process, command);
        process.OutputDataReceived += (_, e) => started._output.Append("out| ", e.Data);
        process.ErrorDataReceived += (_, e) => started._output.Append("err| ", e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start `{command}`");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>SIGKILL, then wait (bounded) until the kernel has reaped it.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await WaitForExitAsync(GracefulStop);
    }

    /// <summary>SIGTERM and a bounded wait for a clean exit; SIGKILL if it does not come.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        await Signals.TerminateAsync(_process.Id);
        try
        {
            await WaitForExitAsync(GracefulStop);
        }
        catch (TimeoutException)
        {
            await KillAsync();
            throw new TimeoutException($"`{Command}` ignored SIGTERM for {GracefulStop}\n{Output}");
        }
    }

    /// <summary>Waits (bounded) for the process to end on its own; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"`{Command}` did not exit within {timeout}\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
