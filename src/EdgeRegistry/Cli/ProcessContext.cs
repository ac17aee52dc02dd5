namespace EdgeRegistry.Cli;

/// <summary>
/// What a command reads from and writes to: standard streams, the environment, and, when standard input
/// is a terminal, a way to read a line without echoing it. Tests run commands in-process with their own.
/// </summary>
internal sealed record ProcessContext(
    TextReader Input,
    TextWriter Output,
    TextWriter Error,
    Func<string, string?> Environment,
    Func<string, string?>? PromptHidden)
{
    public static ProcessContext FromConsole() => new(
        Console.In,
        Console.Out,
        Console.Error,
        System.Environment.GetEnvironmentVariable,
        Console.IsInputRedirected ? null : HiddenConsolePrompt.ReadLine);

    /// <summary>Writes one error line the way every edgereg error looks: <c>edgereg: problem</c>.</summary>
    public void Fail(string problem) => Error.WriteLine($"edgereg: {problem}");
}
