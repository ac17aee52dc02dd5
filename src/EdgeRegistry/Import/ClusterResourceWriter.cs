using EdgeRegistry.Import.Publishing;
using EdgeRegistry.Mirrors;

namespace EdgeRegistry.Import;

/// <summary>
/// Writes what the operator applies after an import into <c>--output-dir</c>: the CatalogSource/ClusterCatalog,
/// signature ConfigMap and UpdateService files of the medium as they are, and — from oc-mirror's own
/// ImageDigestMirrorSet/ImageTagMirrorSet, which point at the registry oc-mirror pushed to — the mirror sets and
/// registries.conf of this cluster, rendered exactly as `render-mirrors --from` renders them (<c>localhost:5000</c>
/// first, then each node). oc-mirror's originals are kept in <c>oc-mirror/</c> beneath, out of `oc apply -f DIR`'s way.
/// </summary>
internal static class ClusterResourceWriter
{
    public const string OriginalsDirectory = "oc-mirror";

    public static IReadOnlyList<string> Write(string outputDir, IReadOnlyList<ImportedResource> resources, IReadOnlyList<NodeAddress> nodes, bool insecure)
    {
        var written = new List<string>();
        var mirrorSources = new List<string>();
        Directory.CreateDirectory(outputDir);
        foreach (var resource in resources)
        {
            // File names come from the medium: only a plain name is written, never a path.
            string name = Path.GetFileName(resource.FileName);
            if (name.Length == 0 || name is "." or "..") continue;
            bool isMirrorSet = (name.StartsWith("idms", StringComparison.Ordinal) || name.StartsWith("itms", StringComparison.Ordinal)
                || name.Equals("imageContentSourcePolicy.yaml", StringComparison.Ordinal)) && name.EndsWith(".yaml", StringComparison.Ordinal);
            string directory = isMirrorSet ? Directory.CreateDirectory(Path.Combine(outputDir, OriginalsDirectory)).FullName : outputDir;
            string path = Path.Combine(directory, name);
            File.WriteAllBytes(path, resource.Content);
            written.Add(path);
            if (isMirrorSet) mirrorSources.Add(path);
        }

        if (mirrorSources.Count == 0) return written;
        var repositories = mirrorSources.SelectMany(MirrorSourceFile.Read);
        var plan = MirrorPlan.Create(nodes, repositories, MirrorSourcePolicy.AllowContactingSource, insecure);
        foreach (var file in MirrorRenderer.Render(plan, legacyContentSourcePolicy: false))
        {
            string path = Path.Combine(outputDir, file.Name);
            File.WriteAllText(path, file.Contents);
            written.Add(path);
        }

        return written;
    }
}
