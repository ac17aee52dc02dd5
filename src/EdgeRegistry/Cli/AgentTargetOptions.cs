using System.CommandLine;
using EdgeRegistry.Configuration;

namespace EdgeRegistry.Cli;

/// <summary>
/// The options every command that talks to the running agent (or, with it stopped, to its store) shares —
/// `status`, `gc`, `scrub`, `import`: the same `--config`, `--root` and `--status-socket` as `serve`, so one config file
/// points all of them at the same agent.
/// </summary>
internal sealed class AgentTargetOptions
{
    private AgentTargetOptions(string rootUse, string socketUse)
    {
        Config = Text(SettingKey.Config, "FILE", $"Config file `serve` uses [default: {ServeSettings.DefaultConfigFile}, if it exists]");
        Root = Text(SettingKey.Root, "DIR", $"Store root, {rootUse} [default: {ServeSettings.DefaultRoot}]");
        StatusSocket = Text(SettingKey.StatusSocket, "PATH", $"The agent's status socket{socketUse} [default: {ServeSettings.DefaultStatusSocket}]");
    }

    public Option<string> Config { get; }

    public Option<string> Root { get; }

    public Option<string> StatusSocket { get; }

    /// <param name="rootUse">What the command does with the store root, e.g. "read directly when the agent is down".</param>
    /// <param name="socketUse">Appended to the socket's description, e.g. ", the import goes through it when the agent runs"; or empty.</param>
    public static AgentTargetOptions Create(string rootUse, string socketUse = "") => new(rootUse, socketUse);

    public void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Root);
        command.Options.Add(StatusSocket);
    }

    /// <summary>The three as the settings layer the command resolves (the other fields stay unset).</summary>
    public CommandLineSettings Read(ParseResult parseResult) => new()
    {
        Config = parseResult.GetValue(Config),
        Root = parseResult.GetValue(Root),
        StatusSocket = parseResult.GetValue(StatusSocket),
    };

    /// <summary>
    /// The settings `serve` would run with for these options, its config file and its environment; null, each problem
    /// said on stderr, when they are bad (the command then exits <see cref="ExitCodes.InvalidInput"/>).
    /// </summary>
    public ServeSettings? Resolve(ParseResult parseResult, ProcessContext process)
    {
        var resolved = ServeSettingsResolver.Resolve(Read(parseResult), process.Environment);
        foreach (string error in resolved.Errors) process.Fail(error);
        return resolved.Settings;
    }

    private static Option<string> Text(SettingKey key, string helpName, string description) =>
        new(key.Flag) { Description = description, HelpName = helpName };
}
