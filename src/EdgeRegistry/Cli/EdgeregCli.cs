using System.CommandLine;

namespace EdgeRegistry.Cli;

/// <summary>The `edgereg` command tree. New commands (e.g. `status`) are added here, one class each.</summary>
internal static class EdgeregCli
{
    public static RootCommand CreateRootCommand(ProcessContext process)
    {
        var root = new RootCommand("edgereg: a node-local OCI distribution registry")
        {
            ServeCommand.Create(process),
            StatusCommand.Create(process),
            GcCommand.Create(process),
            ScrubCommand.Create(process),
            ImportCommand.Create(process),
            UserCommand.Create(process),
            RenderCommand.Create(process),
            VersionCommand.Create(process),
        };
        root.SetAction(parseResult => HelpPrinter.Print(parseResult));
        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, ProcessContext process, CancellationToken cancellationToken = default)
    {
        var parseResult = CreateRootCommand(process).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                process.Fail(error.Message);
            }

            process.Error.WriteLine("Run 'edgereg --help' for usage.");
            return ExitCodes.InvalidInput;
        }

        var invocation = new InvocationConfiguration
        {
            Output = process.Output,
            Error = process.Error,
            // `serve` shuts down through the host's own SIGTERM/Ctrl-C handling (graceful, bounded by the
            // shutdown timeout, exit 0); System.CommandLine's handler would force exit code 130/143.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }
}
