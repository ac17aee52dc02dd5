using System.Text;
using EdgeRegistry.Distribution.Handlers;
using EdgeRegistry.Distribution.Routing;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>
/// A raw request path through routing and name/reference validation. The invariant that matters: a name or
/// reference that validates can never leave the store root.
/// </summary>
internal sealed class RouteTarget : IFuzzTarget
{
    public string Name => "route";

    public void Run(ReadOnlySpan<byte> input)
    {
        string path = "/v2/" + Encoding.Latin1.GetString(input);
        var route = RouteParser.Parse(path);
        if (route.Kind == RouteKind.NotFound) return;
        if (RepositoryName.TryParse(route.Name, out var name))
        {
            FuzzFinding.Check(IsContained(name.Value), $"repository name '{name.Value}' escapes the store");
        }
        if (References.IsValidManifestReference(route.Reference, out _))
        {
            FuzzFinding.Check(IsContained(route.Reference) && !route.Reference.Contains('/'), $"reference '{route.Reference}' escapes the store");
        }
        _ = References.IsWellFormedUploadId(route.Reference);
    }

    private static bool IsContained(string value)
    {
        if (value.Length == 0 || value.StartsWith('/') || value.Contains('\0') || value.Contains('\\')) return false;
        foreach (string segment in value.Split('/'))
        {
            if (segment is "" or "." or "..") return false;
        }
        return true;
    }
}
