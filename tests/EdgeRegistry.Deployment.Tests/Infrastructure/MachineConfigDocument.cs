using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>A committed MachineConfig: its metadata, and the Ignition config under <c>spec.config</c>.</summary>
internal sealed class MachineConfigDocument
{
    private MachineConfigDocument(string text, YamlMappingNode root)
    {
        Text = text;
        Root = root;
    }

    public string Text { get; }

    public YamlMappingNode Root { get; }

    public YamlMappingNode IgnitionConfig => Root.Mapping("spec").Mapping("config");

    public string Name => Root.Mapping("metadata").Text("name");

    public string Role => Root.Mapping("metadata").Mapping("labels").Text("machineconfiguration.openshift.io/role");

    public IReadOnlyList<DeployedFile> Files =>
        IgnitionConfig.Mapping("storage").Sequence("files").Mappings()
            .Select(file => new DeployedFile(
                file.Text("path"),
                int.Parse(file.Text("mode"), NumberStyles.None, CultureInfo.InvariantCulture),
                file.Flag("overwrite"),
                DataUrl.Decode(file.Mapping("contents").Text("source"))))
            .ToList();

    public IReadOnlyList<DeployedUnit> Units =>
        IgnitionConfig.Mapping("systemd").Sequence("units").Mappings()
            .Select(unit => new DeployedUnit(unit.Text("name"), unit.Flag("enabled"), unit.Text("contents")))
            .ToList();

    public static MachineConfigDocument Load(string path) => new(File.ReadAllText(path), YamlFile.Load(path));

    public DeployedFile FileAt(string path) => Assert.Single(Files, file => file.Path == path);
}
