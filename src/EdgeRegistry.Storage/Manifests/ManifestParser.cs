using System.Text.Json;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Manifests;

/// <summary>
/// Validates a manifest's JSON and extracts its references. Strict where a wrong answer would break clients
/// (media type, descriptor digests and sizes), tolerant of fields it does not need.
/// </summary>
internal static class ManifestParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses and validates; <paramref name="contentType"/> is the pushing client's Content-Type (null when unknown, e.g. on read).</summary>
    public static ParsedManifest Parse(ReadOnlyMemory<byte> content, string? contentType)
    {
        // JsonDocument leaves invalid UTF-8 inside strings to be found when a value is read, as an
        // InvalidOperationException that would answer a push with a 500 (found by tests/fuzz): refuse it here.
        if (!System.Text.Unicode.Utf8.IsValid(content.Span)) throw Invalid("the manifest is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, Options);
        }
        catch (JsonException e)
        {
            throw Invalid($"the manifest is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Invalid("the manifest is not a JSON object");

            if (!root.TryGetProperty("schemaVersion", out var schema) || schema.ValueKind != JsonValueKind.Number
                || !schema.TryGetInt32(out int version))
            {
                throw Invalid("the manifest has no numeric schemaVersion");
            }
            if (version == 1) throw Invalid("Docker schema 1 manifests are not supported; push schema 2 or OCI");
            if (version != 2) throw Invalid($"schemaVersion {version} is not supported");

            string mediaType = ResolveMediaType(root, NormalizeContentType(contentType));
            bool isIndex = ManifestMediaTypes.IsIndex(mediaType);

            Descriptor? config = null;
            var layers = new List<Descriptor>();
            var children = new List<Descriptor>();
            if (isIndex)
            {
                if (root.TryGetProperty("config", out _) || root.TryGetProperty("layers", out _))
                    throw Invalid($"an index ({mediaType}) must not have config or layers");
                if (!root.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
                    throw Invalid("an index needs a \"manifests\" array");
                foreach (var child in manifests.EnumerateArray()) children.Add(ReadDescriptor(child, "manifests[]"));
            }
            else
            {
                if (root.TryGetProperty("manifests", out _))
                    throw Invalid($"an image manifest ({mediaType}) must not have \"manifests\"");
                if (!root.TryGetProperty("config", out var configElement))
                    throw Invalid("an image manifest needs a \"config\" descriptor");
                config = ReadDescriptor(configElement, "config");
                if (root.TryGetProperty("layers", out var layersElement))
                {
                    if (layersElement.ValueKind != JsonValueKind.Array) throw Invalid("\"layers\" must be an array");
                    foreach (var layer in layersElement.EnumerateArray()) layers.Add(ReadDescriptor(layer, "layers[]"));
                }
                else if (mediaType == ManifestMediaTypes.DockerManifest)
                {
                    throw Invalid("a Docker schema 2 manifest needs a \"layers\" array");
                }
            }

            Descriptor? subject = root.TryGetProperty("subject", out var subjectElement) && subjectElement.ValueKind != JsonValueKind.Null
                ? ReadDescriptor(subjectElement, "subject")
                : null;
            string? artifactType = ReadOptionalString(root, "artifactType");
            var annotations = ReadAnnotations(root);
            return new ParsedManifest(mediaType, config, layers, children, subject, artifactType, annotations);
        }
    }

    private static string ResolveMediaType(JsonElement root, string? contentType)
    {
        string? declared = ReadOptionalString(root, "mediaType");
        if (declared is not null)
        {
            if (!ManifestMediaTypes.IsSupported(declared))
                throw Invalid($"manifest media type '{declared}' is not supported");
            if (contentType is not null && contentType != declared)
                throw Invalid($"Content-Type '{contentType}' does not match the manifest's mediaType '{declared}'");
            return declared;
        }
        if (contentType is not null && ManifestMediaTypes.IsSupported(contentType))
        {
            if (contentType is ManifestMediaTypes.DockerManifest or ManifestMediaTypes.DockerManifestList)
                throw Invalid($"a {contentType} manifest must carry its mediaType");
            return contentType;
        }
        if (contentType is not null && contentType != "application/json" && contentType != "application/octet-stream")
            throw Invalid($"Content-Type '{contentType}' is not a supported manifest media type");
        // OCI allows mediaType to be omitted: tell manifest from index by shape.
        return root.TryGetProperty("manifests", out _) ? ManifestMediaTypes.OciIndex : ManifestMediaTypes.OciManifest;
    }

    private static string? NormalizeContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return null;
        int semicolon = contentType.IndexOf(';');
        return (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim().ToLowerInvariant();
    }

    private static Descriptor ReadDescriptor(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Invalid($"{where} is not a descriptor object");
        string? digestText = ReadOptionalString(element, "digest");
        if (!Digest.TryParse(digestText, out var digest))
            throw Invalid($"{where} has an invalid or unsupported digest '{digestText}'");
        if (!element.TryGetProperty("size", out var sizeElement) || sizeElement.ValueKind != JsonValueKind.Number
            || !sizeElement.TryGetInt64(out long size) || size < 0)
        {
            throw Invalid($"{where} ({digest}) needs a non-negative integer size");
        }
        string? mediaType = ReadOptionalString(element, "mediaType");
        bool hasUrls = element.TryGetProperty("urls", out var urls) && urls.ValueKind == JsonValueKind.Array && urls.GetArrayLength() > 0;
        return new Descriptor(mediaType, digest, size, hasUrls, ReadPlatform(element));
    }

    /// <summary>
    /// An index entry's platform; null when absent or not the image-spec's shape. Tolerant on purpose: a child
    /// without a readable platform counts as one every node needs, the safe side of the sparse-index rule.
    /// </summary>
    private static ManifestPlatform? ReadPlatform(JsonElement descriptor)
    {
        if (!descriptor.TryGetProperty("platform", out var platform) || platform.ValueKind != JsonValueKind.Object) return null;
        if (!platform.TryGetProperty("os", out var os) || os.ValueKind != JsonValueKind.String) return null;
        if (!platform.TryGetProperty("architecture", out var architecture) || architecture.ValueKind != JsonValueKind.String) return null;
        return new ManifestPlatform(os.GetString()!, architecture.GetString()!);
    }

    private static string? ReadOptionalString(JsonElement element, string property)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw Invalid($"\"{property}\" must be a string");
        return value.GetString();
    }

    private static Dictionary<string, string>? ReadAnnotations(JsonElement root)
    {
        if (!root.TryGetProperty("annotations", out var element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.Object) throw Invalid("\"annotations\" must be an object of strings");
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String) throw Invalid($"annotation '{property.Name}' must be a string");
            annotations[property.Name] = property.Value.GetString()!;
        }
        return annotations;
    }

    private static StoreException Invalid(string message) => new(StoreError.ManifestInvalid, message);
}
