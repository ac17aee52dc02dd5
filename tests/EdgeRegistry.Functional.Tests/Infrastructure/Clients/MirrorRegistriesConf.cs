namespace EdgeRegistry.Functional.Tests.Infrastructure.Clients;

/// <summary>
/// A registries.conf as a disconnected node has it: the source registry blocked, so a pull succeeds only through the
/// mirrors, tried in the order given; digest-only entries for digest pulls and tag-only entries for tags, as
/// `edgereg render-mirrors` writes them.
/// </summary>
internal static class MirrorRegistriesConf
{
    /// <summary>A source that does not exist anywhere, so nothing can leak past the mirrors to it.</summary>
    public const string Source = "registry.example.invalid";

    /// <param name="mirrors">"HOST:PORT" of each mirror, in the order a client tries them.</param>
    public static string Write(string path, IEnumerable<string> mirrors)
    {
        var hosts = mirrors.ToList();
        var text = new System.Text.StringBuilder();
        text.AppendLine($"[[registry]]\nprefix = \"\"\nlocation = \"{Source}\"\nblocked = true\n");
        foreach (var pullFrom in new[] { "digest-only", "tag-only" })
        {
            foreach (var host in hosts)
            {
                text.AppendLine($"[[registry.mirror]]\nlocation = \"{host}\"\ninsecure = true\npull-from-mirror = \"{pullFrom}\"\n");
            }
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }
}
