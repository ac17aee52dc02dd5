using EdgeRegistry.Functional.Tests.Infrastructure.Cluster;
using EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;
using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Import;

/// <summary>One image of an archive: a single-platform image or an index, at a repository and tag.</summary>
internal sealed record ArchivedImage(string Repository, string Tag, GeneratedImage? Image = null, GeneratedIndex? Index = null)
{
    public ExpectedImage Expected => Image is not null ? ExpectedImage.Of(Repository, Tag, Image) : ExpectedImage.Of(Repository, Tag, Index!);
}

/// <summary>
/// An oc-mirror v2 archive made the way oc-mirror makes one: the images pushed by skopeo into a registry whose store
/// is Distribution's layout (an edgereg store is one), then `tar -cf mirror_000001.tar docker working-dir isc_…` of
/// that tree plus oc-mirror's working-dir (cluster resources) and the image set config.
/// </summary>
internal static class OcMirrorArchive
{
    /// <param name="name">A directory of its own under <paramref name="temp"/>, so importing the directory takes this archive only.</param>
    /// <param name="clusterResources">File name → YAML under working-dir/cluster-resources/.</param>
    /// <param name="leaveOut">
    /// Blob digests left out of the archive, as a differential archive of oc-mirror's history leaves out what an earlier
    /// one carried: their data is removed from the tree before it is tarred (the repositories' links stay).
    /// </param>
    public static async Task<string> WriteAsync(TempDirectory temp, string name, IReadOnlyList<ArchivedImage> images,
        IReadOnlyDictionary<string, string> clusterResources, ITestOutputHelper output, IReadOnlyCollection<string>? leaveOut = null)
    {
        string source = temp.Sub($"{name}-source");
        var skopeo = new Skopeo(temp.Sub($"{name}-skopeo"));
        await using (var registry = await EdgeregServer.StartAsync(new EdgeregOptions(source), output))
        {
            foreach (var image in images)
            {
                string layout = temp.Combine($"{name}-layout-{image.Repository.Replace('/', '-')}-{image.Tag}");
                if (image.Image is not null) OciLayoutWriter.Write(layout, "src", image.Image);
                else OciLayoutWriter.Write(layout, "src", image.Index!);
                (await skopeo.CopyAsync($"oci:{layout}:src", $"docker://{registry.Host}/{image.Repository}:{image.Tag}", all: image.Index is not null)).EnsureSuccess();
            }
        }

        foreach (string digest in leaveOut ?? [])
        {
            string hex = digest["sha256:".Length..];
            Directory.Delete(Path.Combine(source, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex), recursive: true);
        }

        string resources = Directory.CreateDirectory(Path.Combine(source, "working-dir", "cluster-resources")).FullName;
        foreach (var (file, content) in clusterResources) await File.WriteAllTextAsync(Path.Combine(resources, file), content);
        await File.WriteAllTextAsync(Path.Combine(source, "isc_2026-12-01T00:00:00Z"), "kind: ImageSetConfiguration\n");
        string archive = Path.Combine(temp.Sub(name), "mirror_000001.tar");
        (await ProcessRunner.RunAsync("tar", ["-C", source, "-cf", archive, "docker", "working-dir", "isc_2026-12-01T00:00:00Z"], TestTimeouts.ClientCommand)).EnsureSuccess();
        return archive;
    }

    /// <summary>oc-mirror's ImageDigestMirrorSet: <paramref name="source"/> mirrored at <paramref name="mirror"/> (the registry oc-mirror pushed to).</summary>
    public static string Idms(string source, string mirror) => $"""
        apiVersion: config.openshift.io/v1
        kind: ImageDigestMirrorSet
        metadata:
          name: idms-release-0
        spec:
          imageDigestMirrors:
          - mirrors:
            - {mirror}
            source: {source}
        """;

    /// <summary>oc-mirror's ImageTagMirrorSet, for images it mirrored by tag.</summary>
    public static string Itms(string source, string mirror) => $"""
        apiVersion: config.openshift.io/v1
        kind: ImageTagMirrorSet
        metadata:
          name: itms-generic-0
        spec:
          imageTagMirrors:
          - mirrors:
            - {mirror}
            source: {source}
        """;
}
