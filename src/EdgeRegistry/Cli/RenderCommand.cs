using System.CommandLine;
using EdgeRegistry.Mirrors;

namespace EdgeRegistry.Cli;

/// <summary>
/// <c>edgereg render-mirrors</c>: the cluster-side configuration that sends image pulls to the nodes' edgereg
/// (ImageDigestMirrorSet, ImageTagMirrorSet, optionally a legacy ImageContentSourcePolicy and the insecure
/// registries patch, and a registries.conf drop-in), from node addresses and the sources to mirror.
/// </summary>
internal static class RenderCommand
{
    public static Command Create(ProcessContext process)
    {
        var nodes = Repeatable("--node", "HOST[:PORT]", $"A node's edgereg, IPv4 address or host name [default port: {NodeAddress.DefaultPort}]; repeatable, in order of preference");
        var sources = Repeatable("--source", "REPOSITORY", "A source to mirror, HOST[:PORT]/PATH (e.g. quay.io/openshift-release-dev/ocp-release); stored under PATH; repeatable");
        var files = Repeatable("--from", "FILE", "Take the sources, and the path each was mirrored to, from ImageContentSourcePolicy/ImageDigestMirrorSet/ImageTagMirrorSet YAML (oc adm release mirror, oc-mirror); repeatable");
        var policy = new Option<string>("--mirror-source-policy")
        {
            Description = "AllowContactingSource (mirrors, then the source) or NeverContactSource (mirrors only) [default: AllowContactingSource]",
            HelpName = "POLICY",
        };
        var legacy = new Option<bool>("--legacy-icsp") { Description = "Also write an ImageContentSourcePolicy (OpenShift before 4.13)" };
        var insecure = new Option<bool>("--insecure")
        {
            Description = "The registries serve plain HTTP: also write the image.config.openshift.io/cluster insecureRegistries patch and mark mirrors insecure in registries.conf",
        };
        var outputDir = new Option<string>("--output-dir")
        {
            Description = $"Write every object and the registries.conf drop-in ({RegistriesConf.FileName}) as files here [default: print the cluster objects to stdout]",
            HelpName = "DIR",
        };

        var command = new Command("render-mirrors", "Render the mirror sets and registries.conf that point image pulls at the nodes' edgereg")
        {
            nodes, sources, files, policy, legacy, insecure, outputDir,
        };
        command.SetAction(parseResult => Run(
            process,
            parseResult.GetValue(nodes) ?? [],
            parseResult.GetValue(sources) ?? [],
            parseResult.GetValue(files) ?? [],
            parseResult.GetValue(policy),
            parseResult.GetValue(legacy),
            parseResult.GetValue(insecure),
            parseResult.GetValue(outputDir)));
        return command;
    }

    private static int Run(ProcessContext process, string[] nodes, string[] sources, string[] files, string? policy,
        bool legacy, bool insecure, string? outputDir)
    {
        IReadOnlyList<RenderedFile> rendered;
        try
        {
            var repositories = sources
                .Select(source => MirroredRepository.WithDefaultPath(RepositoryLocation.Parse(source, "--source")))
                .Concat(files.SelectMany(MirrorSourceFile.Read));
            var plan = MirrorPlan.Create(nodes.Select(NodeAddress.Parse), repositories, ParsePolicy(policy), insecure);
            rendered = MirrorRenderer.Render(plan, legacy);
        }
        catch (MirrorInputException e)
        {
            process.Fail(e.Message);
            return ExitCodes.InvalidInput;
        }

        if (outputDir is null)
        {
            process.Output.Write(string.Join("---\n", rendered.Where(file => file.IsClusterObject).Select(file => file.Contents)));
            return ExitCodes.Success;
        }

        try
        {
            Directory.CreateDirectory(outputDir);
            foreach (var file in rendered)
            {
                var path = Path.Combine(outputDir, file.Name);
                File.WriteAllText(path, file.Contents);
                process.Output.WriteLine($"wrote {path}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            process.Fail($"--output-dir \"{outputDir}\": {e.Message}");
            return ExitCodes.Failure;
        }

        return ExitCodes.Success;
    }

    private static MirrorSourcePolicy ParsePolicy(string? text) => text switch
    {
        null => MirrorSourcePolicy.AllowContactingSource,
        nameof(MirrorSourcePolicy.AllowContactingSource) => MirrorSourcePolicy.AllowContactingSource,
        nameof(MirrorSourcePolicy.NeverContactSource) => MirrorSourcePolicy.NeverContactSource,
        _ => throw new MirrorInputException($"--mirror-source-policy \"{text}\": expected AllowContactingSource or NeverContactSource"),
    };

    private static Option<string[]> Repeatable(string name, string helpName, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
        AllowMultipleArgumentsPerToken = false,
    };
}
