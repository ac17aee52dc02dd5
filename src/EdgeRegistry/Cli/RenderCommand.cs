using System.CommandLine;
using EdgeRegistry.Mirrors;

namespace EdgeRegistry.Cli;

/// <summary>
/// <c>edgereg render-mirrors</c>: the cluster-side configuration that sends image pulls to the nodes' edgereg
/// (ImageDigestMirrorSet and ImageTagMirrorSet, or with --legacy-icsp an ImageContentSourcePolicy instead, the
/// insecure registries patch, and a registries.conf drop-in), from node addresses and the sources to mirror.
/// What it skipped or what the cluster must do besides applying the output is said on stderr as a note.
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
        var legacy = new Option<bool>("--legacy-icsp")
        {
            Description = "Write an ImageContentSourcePolicy instead of the ImageDigestMirrorSet/ImageTagMirrorSet (never both: the MCO refuses a cluster holding both kinds)",
        };
        var localPort = new Option<int?>("--local-port")
        {
            Description = "Port of the localhost mirror, each node's own edgereg [default: the port the --node entries share]",
            HelpName = "PORT",
        };
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
            nodes, sources, files, policy, legacy, insecure, localPort, outputDir,
        };
        command.SetAction(parseResult => Run(
            process,
            parseResult.GetValue(nodes) ?? [],
            parseResult.GetValue(sources) ?? [],
            parseResult.GetValue(files) ?? [],
            parseResult.GetValue(policy),
            parseResult.GetValue(legacy),
            parseResult.GetValue(insecure),
            parseResult.GetValue(localPort),
            parseResult.GetValue(outputDir)));
        return command;
    }

    private static int Run(ProcessContext process, string[] nodes, string[] sources, string[] files, string? policy,
        bool legacy, bool insecure, int? localPort, string? outputDir)
    {
        IReadOnlyList<RenderedFile> rendered;
        var notes = new List<string>();
        try
        {
            var readings = files.Select(file => (File: file, Reading: MirrorSourceFile.ReadWithNotes(file))).ToList();
            var repositories = sources
                .Select(source => MirroredRepository.WithDefaultPath(RepositoryLocation.Parse(source, "--source")))
                .Concat(readings.SelectMany(r => r.Reading.Repositories));
            var plan = MirrorPlan.Create(nodes.Select(NodeAddress.Parse), repositories, ParsePolicy(policy), insecure, localPort);
            rendered = MirrorRenderer.Render(plan, legacy);
            notes.AddRange(readings.SelectMany(r => Notes(r.File, r.Reading, legacy)));
        }
        catch (MirrorInputException e)
        {
            process.Fail(e.Message);
            return ExitCodes.InvalidInput;
        }

        if (legacy)
        {
            notes.Add("--legacy-icsp: wrote an ImageContentSourcePolicy only, no ImageDigestMirrorSet/ImageTagMirrorSet (the MCO refuses a cluster " +
                "holding both kinds); an ICSP redirects pulls by digest only, and OpenShift 4.13 and later prefer IDMS/ITMS (docs/operations.md, \"From ICSPs to IDMS/ITMS\")");
        }

        // Notes go to stderr, so the objects on stdout still pipe into `oc apply -f -` as they are.
        notes.ForEach(note => process.Error.WriteLine($"edgereg: note: {note}"));

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

    /// <summary>What the operator must know about one --from file: kinds it skipped, ICSPs the cluster must lose.</summary>
    private static IEnumerable<string> Notes(string file, MirrorSourceReading reading, bool legacy)
    {
        if (reading.SkippedKinds.Count > 0)
        {
            var kinds = string.Join(", ", reading.SkippedKinds.Select(kind => $"{kind.Value} {kind.Key}"));
            yield return $"{file}: skipped {kinds} (render-mirrors reads ImageContentSourcePolicy, ImageDigestMirrorSet and ImageTagMirrorSet only)";
        }

        if (reading.ContentSourcePolicies.Count > 0 && !legacy)
        {
            yield return $"{file} holds ImageContentSourcePolicies ({string.Join(", ", reading.ContentSourcePolicies)}): the MCO refuses the mirror sets " +
                "written here while the cluster still has ICSPs; convert them with `oc adm migrate icsp`, apply the result and these files, " +
                "then `oc delete imagecontentsourcepolicy` those (docs/operations.md, \"From ICSPs to IDMS/ITMS\")";
        }
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
