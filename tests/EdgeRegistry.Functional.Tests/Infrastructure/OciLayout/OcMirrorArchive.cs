using EdgeRegistry.Functional.Tests.Infrastructure.Servers;
using Xunit.Abstractions;

namespace EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

/// <summary>The medium `edgereg import` reads, made as oc-mirror v2 makes it (the import tests and the import kill drill share it).</summary>
internal static class OcMirrorArchive
{
    private const string Idms = """
        apiVersion: config.openshift.io/v1
        kind: ImageDigestMirrorSet
        metadata:
          name: idms-release-0
        spec:
          imageDigestMirrors:
          - mirrors:
            - registry.example.com:5000/openshift/release-images
            source: quay.io/openshift-release-dev/ocp-release
        """;

    /// <summary>
    /// An oc-mirror v2 archive: the images pushed by skopeo into a store in Distribution's layout (an edgereg store is
    /// one), then `tar -cf mirror_000001.tar docker working-dir isc_…` of that tree plus oc-mirror's working-dir.
    /// </summary>
    public static async Task<string> CreateAsync(TempDirectory temp, Skopeo skopeo, ITestOutputHelper output,
        (string Repository, string Tag, GeneratedImage? Image, GeneratedIndex? Index)[] images)
    {
        string source = temp.Sub("mirror-source");
        await using (var registry = await EdgeregServer.StartAsync(new EdgeregOptions(source), output))
        {
            foreach (var (repository, tag, image, index) in images)
            {
                string layout = temp.Combine("layout-" + repository.Replace('/', '-'));
                if (image is not null) OciLayoutWriter.Write(layout, "src", image);
                else OciLayoutWriter.Write(layout, "src", index!);
                (await skopeo.CopyAsync($"oci:{layout}:src", $"docker://{registry.Host}/{repository}:{tag}", all: index is not null)).EnsureSuccess();
            }
        }

        string resources = Directory.CreateDirectory(Path.Combine(source, "working-dir", "cluster-resources")).FullName;
        await File.WriteAllTextAsync(Path.Combine(resources, "idms-oc-mirror.yaml"), Idms);
        await File.WriteAllTextAsync(Path.Combine(resources, "cs-redhat-operator-index-v4-18.yaml"), "apiVersion: operators.coreos.com/v1alpha1\nkind: CatalogSource\n");
        await File.WriteAllTextAsync(Path.Combine(source, "isc_2026-12-01T00:00:00Z"), "kind: ImageSetConfiguration\n");
        string archive = Path.Combine(temp.Sub("media"), "mirror_000001.tar");
        (await ProcessRunner.RunAsync("tar", ["-C", source, "-cf", archive, "docker", "working-dir", "isc_2026-12-01T00:00:00Z"], TestTimeouts.ClientCommand)).EnsureSuccess();
        return archive;
    }
}
