using EdgeRegistry.Cli;

namespace EdgeRegistry;

internal static class Program
{
    private static Task<int> Main(string[] args) => EdgeregCli.InvokeAsync(args, ProcessContext.FromConsole());
}
