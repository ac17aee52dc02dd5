using System.CommandLine;
using EdgeRegistry.Configuration;
using EdgeRegistry.Distribution.Access;

namespace EdgeRegistry.Cli;

/// <summary><c>edgereg user add NAME</c>: creates or updates an entry in the push credentials file.</summary>
internal static class UserCommand
{
    public static Command Create(ProcessContext process)
    {
        var name = new Argument<string>("NAME") { Description = "User name (letters, digits, '.', '_', '-', '@')" };
        var credentials = new Option<string>(SettingKey.CredentialsFile.Flag)
        {
            Description = $"Credentials file to write [default: as `serve` resolves it, else {ServeSettings.DefaultCredentialsFile}]",
            HelpName = "PATH",
        };
        var config = new Option<string>(SettingKey.Config.Flag)
        {
            Description = $"Config file naming the credentials file [default: {ServeSettings.DefaultConfigFile}, if it exists]",
            HelpName = "FILE",
        };
        var add = new Command("add", "Add a user who may push and delete, or change their password (read from stdin when not a terminal)")
        {
            name, credentials, config,
        };
        add.SetAction(parseResult => Add(
            parseResult.GetValue(name) ?? "", parseResult.GetValue(credentials), parseResult.GetValue(config), process));

        var user = new Command("user", "Manage the users who may push and delete") { add };
        user.SetAction(parseResult => HelpPrinter.Print(parseResult));
        return user;
    }

    private static int Add(string name, string? credentialsFlag, string? configFlag, ProcessContext process)
    {
        if (UserNameRule.Check(name) is { } nameProblem)
        {
            process.Fail($"user name \"{name}\": {nameProblem}");
            return ExitCodes.InvalidInput;
        }

        var errors = new List<string>();
        var path = CredentialsPath(credentialsFlag, configFlag, process.Environment, errors);
        if (path is null)
        {
            errors.ForEach(process.Fail);
            return ExitCodes.InvalidInput;
        }

        if (PasswordInput.Read(process) is not { } password)
        {
            return ExitCodes.InvalidInput;
        }

        try
        {
            CredentialsFile.AddOrUpdate(path, name, password);
        }
        catch (ArgumentException e)
        {
            process.Fail(e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            process.Fail($"cannot write credentials file {path}: {e.Message}");
            return ExitCodes.Failure;
        }

        process.Output.WriteLine($"user \"{name}\" saved in {path}");
        return ExitCodes.Success;
    }

    /// <summary>The credentials file `serve` would use: flag, then environment, then config file, then the default.</summary>
    private static string? CredentialsPath(string? flag, string? configFlag, Func<string, string?> environment, List<string> errors)
    {
        var layers = new List<SettingLayer>
        {
            new CommandLineSettings { CredentialsFile = flag }.ToLayer(),
            EnvironmentSettings.Read(environment),
        };
        var configFile = ServeSettingsResolver.FindConfigFile(configFlag, environment, errors);
        if (configFile is not null)
        {
            layers.Add(ConfigFileSettings.Read(configFile, errors));
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var winner = layers.Select(layer => layer.Get(SettingKey.CredentialsFile)).FirstOrDefault(value => value is not null);
        if (winner is null)
        {
            return ServeSettings.DefaultCredentialsFile;
        }

        if (string.IsNullOrWhiteSpace(winner.Value))
        {
            errors.Add(winner.Problem("expected a path"));
            return null;
        }

        return Path.GetFullPath(winner.Value);
    }
}
