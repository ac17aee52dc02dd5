using EdgeRegistry.Mirrors;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>oc-mirror's IDMS/ITMS/ICSP YAML for <c>edgereg render-mirrors</c>: repositories, or a MirrorInputException.</summary>
internal sealed class MirrorYamlTarget : FileTarget
{
    public override string Name => "mirrors";

    protected override string FileName => "idms.yaml";

    protected override void Parse(string path)
    {
        try
        {
            _ = MirrorSourceFile.Read(path);
        }
        catch (MirrorInputException)
        {
        }
    }
}
