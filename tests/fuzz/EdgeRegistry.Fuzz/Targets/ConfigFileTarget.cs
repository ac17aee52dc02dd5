using EdgeRegistry.Configuration;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>The serve config file (<c>/etc/edgereg/config.json</c>): a settings layer, or messages naming each problem.</summary>
internal sealed class ConfigFileTarget : FileTarget
{
    public override string Name => "config";

    protected override string FileName => "config.json";

    protected override void Parse(string path)
    {
        var errors = new List<string>();
        _ = ConfigFileSettings.Read(path, errors);
        foreach (string error in errors) FuzzFinding.Check(error.Contains(path, StringComparison.Ordinal), $"a message that does not name the file: {error}");
    }
}
