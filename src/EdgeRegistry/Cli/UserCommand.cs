using System.CommandLine;
using EdgeRegistry.Configuration;
using EdgeRegistry.Distribution.Access;

namespace EdgeRegistry.Cli;

/// <summary>
/// <c>edgereg user add NAME</c>, <c>user remove NAME</c> and <c>user list</c>: the push credentials file, found the
/// way `serve` finds it. The running agent re-reads the file when it changes, so no restart is needed.
/// </summary>
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

        var removeName = new Argument<string>("NAME") { Description = "User to remove" };
        var remove = new Command("remove", "Remove a user: their pushes and deletes are refused from the next request on")
        {
            removeName, credentials, config,
        };
        remove.SetAction(parseResult => Remove(
            parseResult.GetValue(removeName) ?? "", parseResult.GetValue(credentials), parseResult.GetValue(config), process));

        var json = new Option<bool>("--json") { Description = "Print the users as JSON" };
        var list = new Command("list", "List the users, their hash scheme (pbkdf2-sha256 or bcrypt) and lines serve would skip")
        {
            credentials, config, json,
        };
        list.SetAction(parseResult => List(parseResult.GetValue(credentials), parseResult.GetValue(config), parseResult.GetValue(json), process));

        var user = new Command("user", "Manage the users who may push and delete") { add, remove, list };
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

    private static int Remove(string name, string? credentialsFlag, string? configFlag, ProcessContext process)
    {
        var errors = new List<string>();
        var path = CredentialsPath(credentialsFlag, configFlag, process.Environment, errors);
        if (path is null)
        {
            errors.ForEach(process.Fail);
            return ExitCodes.InvalidInput;
        }

        try
        {
            if (!CredentialsFile.Remove(path, name))
            {
                process.Fail($"no user \"{name}\" in {path} (`edgereg user list` shows who is there)");
                return ExitCodes.InvalidInput;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            process.Fail($"cannot write credentials file {path}: {e.Message}");
            return ExitCodes.Failure;
        }

        process.Output.WriteLine($"user \"{name}\" removed from {path}");
        return ExitCodes.Success;
    }

    private static int List(string? credentialsFlag, string? configFlag, bool json, ProcessContext process)
    {
        var errors = new List<string>();
        var path = CredentialsPath(credentialsFlag, configFlag, process.Environment, errors);
        if (path is null)
        {
            errors.ForEach(process.Fail);
            return ExitCodes.InvalidInput;
        }

        IReadOnlyList<CredentialEntry> users;
        try
        {
            users = CredentialsFile.List(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            process.Fail($"cannot read credentials file {path}: {e.Message}");
            return ExitCodes.Failure;
        }

        if (json)
        {
            process.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new UserListDocument(path, users), UserListJsonContext.Default.UserListDocument));
            return ExitCodes.Success;
        }

        if (users.Count == 0)
        {
            process.Output.WriteLine($"no users in {path}: pushes need `edgereg user add NAME` first");
            return ExitCodes.Success;
        }

        var width = users.Max(entry => entry.User.Length);
        foreach (var entry in users)
        {
            var detail = entry.Problem is null ? entry.Scheme : $"skipped (line {entry.Line}): {entry.Problem}";
            process.Output.WriteLine($"{entry.User.PadRight(width)}  {detail}");
        }

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
