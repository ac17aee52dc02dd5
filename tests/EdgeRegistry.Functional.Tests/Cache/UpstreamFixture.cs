using System.Text;

namespace EdgeRegistry.Functional.Tests.Cache;

/// <summary>The files a pull-through cache test hands edgereg: mirror sets naming the upstream, and a pull secret.</summary>
internal static class UpstreamFixture
{
    /// <summary>An ImageDigestMirrorSet and an ImageTagMirrorSet mapping each <c>source → mirror path</c> on localhost:5000.</summary>
    public static string WriteMirrorSets(TempDirectory temp, params (string Source, string MirrorPath)[] entries)
    {
        var lines = string.Concat(entries.Select(e => $"  - source: {e.Source}\n    mirrors:\n    - localhost:5000/{e.MirrorPath}\n"));
        return temp.WriteFile("mirror-sets.yaml", $"""
            apiVersion: config.openshift.io/v1
            kind: ImageDigestMirrorSet
            metadata:
              name: cache-digests
            spec:
              imageDigestMirrors:
            {lines}---
            apiVersion: config.openshift.io/v1
            kind: ImageTagMirrorSet
            metadata:
              name: cache-tags
            spec:
              imageTagMirrors:
            {lines}
            """);
    }

    /// <summary>
    /// What the MCO renders from the mirror sets, with the source blocked: a client may reach the image only through
    /// the mirror (the edgereg cache), never the source itself.
    /// </summary>
    public static string WriteBlockedSourceConf(TempDirectory temp, string source, string mirror) =>
        temp.WriteFile("registries.conf", $"""
            unqualified-search-registries = []

            [[registry]]
            location = "{source}"
            blocked = true

            [[registry.mirror]]
            location = "{mirror}"
            insecure = true
            """);

    /// <summary>A docker config.json with one entry per key (host or host/namespace).</summary>
    public static string WriteAuthFile(TempDirectory temp, params (string Key, string User, string Password)[] entries)
    {
        var auths = string.Join(",\n", entries.Select(e =>
            $"    \"{e.Key}\": {{ \"auth\": \"{Convert.ToBase64String(Encoding.UTF8.GetBytes($"{e.User}:{e.Password}"))}\" }}"));
        return temp.WriteFile("config.json", $"{{\n  \"auths\": {{\n{auths}\n  }}\n}}\n");
    }

    /// <summary>
    /// A config file naming the upstream as an <c>upstreamRegistries</c> object (plain HTTP, its own tag refresh
    /// interval) with <c>source → local</c> repositories, instead of flags and mirror-set files.
    /// </summary>
    public static string WriteUpstreamConfig(TempDirectory temp, string upstreamHost, int tagRefreshSeconds, params (string Local, string Remote)[] repositories)
    {
        var routes = string.Join(", ", repositories.Select(r => $"{{ \"local\": \"{r.Local}\", \"remote\": \"{r.Remote}\" }}"));
        return temp.WriteFile("edgereg-config.json", $$"""
            {
              "upstreamAuthFile": "{{temp.File("none.json")}}",
              "upstreamRegistries": [
                { "name": "{{upstreamHost}}", "plainHttp": true, "tagRefreshSeconds": {{tagRefreshSeconds}}, "repositories": [{{routes}}] },
              ],
            }
            """);
    }
}
