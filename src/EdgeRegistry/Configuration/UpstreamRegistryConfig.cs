using System.Globalization;
using System.Text.Json;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Configuration;

/// <summary>
/// Reads the config file's <c>upstreamRegistries</c>: an array of objects, one per upstream registry with its own
/// URL, TLS trust, plain-HTTP opt-in, credentials entry, bandwidth cap, tag refresh interval and repositories. Every
/// problem is one sentence naming the entry (<c>upstreamRegistries[1] "quay.io": "tagRefreshSeconds" …</c>);
/// an entry with a problem is left out, so nothing half-configured starts.
/// </summary>
internal static class UpstreamRegistryConfig
{
    public const string FileKey = "upstreamRegistries";

    private const long MaxTagRefreshSeconds = 24 * 3600;

    private static readonly string[] Keys =
        ["name", "url", "plainHttp", "caFile", "tlsVerify", "credentials", "bytesPerSecond", "tagRefreshSeconds", "hostInPath", "repositories"];

    public static List<UpstreamRegistrySetting> Read(string path, JsonElement value, List<string> errors)
    {
        var registries = new List<UpstreamRegistrySetting>();
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{path}: {FileKey}: expected an array of objects, one per upstream registry");
            return registries;
        }
        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var origin = $"{path}: {FileKey}[{index++}]";
            if (Entry(origin, item, errors) is not { } registry) continue;
            if (registries.Any(r => r.Name == registry.Name)) errors.Add($"{origin} \"{registry.Name}\": this registry is listed twice");
            else registries.Add(registry);
        }
        return registries;
    }

    private static UpstreamRegistrySetting? Entry(string origin, JsonElement item, List<string> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{origin}: expected an object with at least \"name\"");
            return null;
        }
        int before = errors.Count;
        foreach (var property in item.EnumerateObject())
        {
            if (!Keys.Contains(property.Name, StringComparer.Ordinal))
                errors.Add($"{origin}: unknown key \"{property.Name}\" (known: {string.Join(", ", Keys)})");
        }
        if (String(origin, item, "name", errors) is not { } nameText)
        {
            if (errors.Count == before) errors.Add($"{origin}: \"name\" is missing: the registry as mirror sets name it, HOST[:PORT]");
            return null;
        }
        var name = nameText.Trim().ToLowerInvariant();
        var at = $"{origin} \"{name}\"";
        if (UpstreamHostCheck.HostProblem(name) is { } hostProblem)
        {
            errors.Add($"{at}: \"name\": {hostProblem}");
            return null;
        }

        var registry = new UpstreamRegistrySetting(name, at)
        {
            PlainHttp = Boolean(at, item, "plainHttp", errors) ?? false,
            TlsVerify = Boolean(at, item, "tlsVerify", errors) ?? true,
            HostInPath = Boolean(at, item, "hostInPath", errors) ?? false,
            Credentials = String(at, item, "credentials", errors),
            BytesPerSecond = Integer(at, item, "bytesPerSecond", 0, long.MaxValue / 2, "bytes per second", errors),
            TagRefresh = Integer(at, item, "tagRefreshSeconds", 1, MaxTagRefreshSeconds, "seconds", errors) is long s ? TimeSpan.FromSeconds(s) : null,
            Repositories = Repositories(at, item, errors),
        };
        if (String(at, item, "url", errors) is { } urlText) registry = registry with { Url = Url(at, urlText, registry.PlainHttp, errors) };
        if (String(at, item, "caFile", errors) is { } caText)
        {
            if (string.IsNullOrWhiteSpace(caText) || caText.Contains('\0'))
            {
                errors.Add($"{at}: \"caFile\" \"{caText}\": expected the path of a PEM CA bundle");
                return null;
            }
            var caFile = Path.GetFullPath(caText);
            if (UpstreamHostCheck.CaFileProblem(caFile) is { } caProblem) errors.Add($"{at}: \"caFile\" \"{caText}\": {caProblem}");
            else registry = registry with { CaFile = caFile };
        }

        if (registry.Credentials is { Length: 0 }) errors.Add($"{at}: \"credentials\": expected the auth file's entry for it, e.g. \"{name}/myorg\"");
        if (registry.HostInPath && UpstreamHostCheck.HostInPathProblem(name) is { } inPathProblem)
            errors.Add($"{at}: \"hostInPath\": {inPathProblem}");
        if (registry.PlainHttp && (registry.CaFile is not null || !registry.TlsVerify))
            errors.Add($"{at}: \"plainHttp\" is true, so there is no TLS for \"caFile\" or \"tlsVerify\" to apply to: remove one of them");
        if (registry.CaFile is not null && !registry.TlsVerify)
            errors.Add($"{at}: \"caFile\" is given but \"tlsVerify\" is false, which accepts any certificate: remove one of them");
        return errors.Count == before ? registry : null;
    }

    /// <summary>http(s)://HOST[:PORT] with nothing after it; http only with the plain-HTTP opt-in.</summary>
    private static Uri? Url(string at, string text, bool plainHttp, List<string> errors)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.Host.Length == 0)
        {
            errors.Add($"{at}: \"url\" \"{text}\": expected https://HOST[:PORT] (or http:// with \"plainHttp\": true)");
            return null;
        }
        if (url.AbsolutePath != "/" || url.Query.Length > 0 || url.Fragment.Length > 0 || url.UserInfo.Length > 0)
        {
            errors.Add($"{at}: \"url\" \"{text}\": expected scheme, host and port only (a registry's API is always at /v2/; credentials go in the auth file)");
            return null;
        }
        if (url.Scheme == "http" && !plainHttp)
        {
            errors.Add($"{at}: \"url\" \"{text}\" is plain HTTP: set \"plainHttp\": true to opt in");
            return null;
        }
        if (url.Scheme == "https" && plainHttp)
        {
            errors.Add($"{at}: \"url\" \"{text}\" is HTTPS but \"plainHttp\" is true: use one of them");
            return null;
        }
        return new Uri(url.GetLeftPart(UriPartial.Authority) + "/");
    }

    /// <summary><c>[{"local": "team/app", "remote": "org/app"}]</c>: local prefix → path at the registry (remote defaults to local).</summary>
    private static List<(string Local, string Remote)> Repositories(string at, JsonElement item, List<string> errors)
    {
        var routes = new List<(string, string)>();
        if (!item.TryGetProperty("repositories", out var value)) return routes;
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{at}: \"repositories\": expected an array of {{\"local\": PATH, \"remote\": PATH}} objects");
            return routes;
        }
        int index = 0;
        foreach (var route in value.EnumerateArray())
        {
            var here = $"{at}: \"repositories\"[{index++}]";
            if (route.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{here}: expected an object {{\"local\": PATH, \"remote\": PATH}}");
                continue;
            }
            foreach (var property in route.EnumerateObject())
            {
                if (property.Name is not ("local" or "remote")) errors.Add($"{here}: unknown key \"{property.Name}\" (known: local, remote)");
            }
            var local = String(here, route, "local", errors);
            var remote = String(here, route, "remote", errors) ?? local;
            if (local is null)
            {
                errors.Add($"{here}: \"local\" is missing: the repository path clients ask this node for");
                continue;
            }
            if (!RepositoryName.TryParse(local, out _)) errors.Add($"{here}: \"local\" \"{local}\": not a repository name (lower-case path components)");
            else if (!RepositoryName.TryParse(remote, out _)) errors.Add($"{here}: \"remote\" \"{remote}\": not a repository name (lower-case path components)");
            else routes.Add((local, remote!));
        }
        return routes;
    }

    private static string? String(string at, JsonElement item, string key, List<string> errors)
    {
        if (!item.TryGetProperty(key, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        errors.Add($"{at}: \"{key}\": expected a string");
        return null;
    }

    private static bool? Boolean(string at, JsonElement item, string key, List<string> errors)
    {
        if (!item.TryGetProperty(key, out var value)) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        errors.Add($"{at}: \"{key}\": expected true or false");
        return null;
    }

    private static long? Integer(string at, JsonElement item, string key, long min, long max, string unit, List<string> errors)
    {
        if (!item.TryGetProperty(key, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) && number >= min && number <= max) return number;
        errors.Add(string.Create(CultureInfo.InvariantCulture, $"{at}: \"{key}\": expected a whole number of {unit} from {min} to {max}"));
        return null;
    }
}
