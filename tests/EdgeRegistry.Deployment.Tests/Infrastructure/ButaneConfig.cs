using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>What a Butane (<c>variant: openshift</c>) source declares, read independently of machineconfig/generate.py.</summary>
internal sealed class ButaneConfig
{
    private ButaneConfig(YamlMappingNode root)
    {
        Root = root;
    }

    public YamlMappingNode Root { get; }

    public string Variant => Root.Text("variant");

    public string Version => Root.Text("version");

    public string Name => Root.Mapping("metadata").Text("name");

    public string Role => Root.Mapping("metadata").Mapping("labels").Text("machineconfiguration.openshift.io/role");

    public IReadOnlyList<DeployedFile> Files =>
        Root.Mapping("storage").Sequence("files").Mappings().Select(ReadFile).ToList();

    public IReadOnlyList<DeployedUnit> Units =>
        Root.Mapping("systemd").Sequence("units").Mappings()
            .Select(unit => new DeployedUnit(unit.Text("name"), unit.Flag("enabled"), unit.Text("contents")))
            .ToList();

    public static ButaneConfig Load(string path) => new(YamlFile.Load(path));

    private static DeployedFile ReadFile(YamlMappingNode file) =>
        new(file.Text("path"), ParseMode(file.Text("mode")), file.Flag("overwrite"), ReadContents(file.Mapping("contents")));

    // `local` names a file relative to Butane's --files-dir, which is the repository root for these sources.
    private static string ReadContents(YamlMappingNode contents) => contents.Has("local")
        ? File.ReadAllText(Path.Combine(RepositoryFiles.Root, contents.Text("local")))
        : contents.Text("inline");

    // Butane reads modes as YAML integers: a leading 0 (or 0o) means octal, as in `mode: 0644`.
    private static int ParseMode(string text)
    {
        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            return Convert.ToInt32(text[2..], 8);
        }

        return text.Length > 1 && text[0] == '0'
            ? Convert.ToInt32(text, 8)
            : int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
