using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeRegistry.Cli;

/// <summary><c>edgereg version</c>: the build's version and the runtime it runs on.</summary>
internal static class VersionCommand
{
    public static string Version { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionCommand).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static Command Create(ProcessContext process)
    {
        var command = new Command("version", "Print the version");
        command.SetAction(_ =>
        {
            process.Output.WriteLine($"edgereg {Version} ({RuntimeInformation.FrameworkDescription}, {RuntimeInformation.RuntimeIdentifier})");
            return ExitCodes.Success;
        });
        return command;
    }
}
