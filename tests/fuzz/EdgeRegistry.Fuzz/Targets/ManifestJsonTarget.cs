using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Manifests;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>Manifest and index JSON as a client pushes it or a peer serves it: parsed, or MANIFEST_INVALID.</summary>
internal sealed class ManifestJsonTarget : IFuzzTarget
{
    private static readonly string?[] ContentTypes = [null, ManifestMediaTypes.OciManifest, ManifestMediaTypes.OciIndex, "application/json"];

    public string Name => "manifest";

    public void Run(ReadOnlySpan<byte> input)
    {
        var content = input.ToArray();
        string? contentType = ContentTypes[content.Length % ContentTypes.Length];
        ParsedManifest parsed;
        try
        {
            parsed = ManifestParser.Parse(content, contentType);
        }
        catch (StoreException e) when (e.Error == StoreError.ManifestInvalid)
        {
            return;
        }
        FuzzFinding.Check(ManifestMediaTypes.IsSupported(parsed.MediaType), $"accepted unsupported media type {parsed.MediaType}");
        FuzzFinding.Check(!parsed.IsIndex || (parsed.Config is null && parsed.Layers.Count == 0), "an index with config or layers");
        var references = parsed.References();
        foreach (var blob in references.Blobs) FuzzFinding.Check(blob.Size >= 0, "a negative blob size");
        _ = RequiredChildren.Of(references.Manifests, ManifestPlatform.Current).Count();
    }
}
