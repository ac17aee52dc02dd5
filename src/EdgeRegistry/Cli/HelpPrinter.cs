using System.CommandLine;
using System.CommandLine.Help;

namespace EdgeRegistry.Cli;

/// <summary>Prints help for the command that was parsed: what a bare <c>edgereg</c> or <c>edgereg user</c> does.</summary>
internal static class HelpPrinter
{
    public static int Print(ParseResult parseResult) => new HelpAction().Invoke(parseResult);
}
