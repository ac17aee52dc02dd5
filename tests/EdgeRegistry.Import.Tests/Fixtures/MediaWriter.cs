using System.Runtime.InteropServices;
using System.Text;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Import.Tests.Fixtures;

/// <summary>
/// Writes media exactly as the tools lay them out (docs: shared/docs/content-formats.md, read from oc-mirror's
/// internal/pkg/archive and v1/pkg/cli/mirror, and oc's pkg/cli/image/imagesource/file.go): the entry names, the hard
/// links and the tag symlinks, in an order a walk of the tool's tree gives.
/// </summary>
internal static partial class MediaWriter
{
    private static string Hex(byte[] content) => TestContent.Sha256(content).Hex;

    private static string Digest(byte[] content) => TestContent.Sha256(content).ToString();

    /// <summary>
    /// An oc-mirror v2 archive: Distribution's layout under docker/registry/v2 (blobs first, as a walk of the tree
    /// gives), then working-dir/ with its cluster resources, then the image set config. <paramref name="omit"/> are
    /// blobs an earlier archive of the sequence carried (differential).
    /// </summary>
    public static void OcMirrorV2(string path, IEnumerable<TestImage> images, IReadOnlyDictionary<string, string>? clusterResources = null,
        ISet<Digest>? omit = null, Func<byte[], byte[]>? damage = null)
    {
        var list = images.ToList();
        using var tar = new TarBuilder(path);
        var written = new HashSet<string>();
        foreach (var blob in list.SelectMany(static i => new[] { i.Manifest }.Concat(i.Blobs)))
        {
            string hex = Hex(blob);
            if (!written.Add(hex) || omit?.Contains(TestContent.Sha256(blob)) == true) continue;
            tar.File($"docker/registry/v2/blobs/sha256/{hex[..2]}/{hex}/data", damage?.Invoke(blob) ?? blob);
        }

        foreach (var image in list)
        {
            string repo = $"docker/registry/v2/repositories/{image.Repository}";
            foreach (var blob in image.Blobs) tar.Text($"{repo}/_layers/sha256/{Hex(blob)}/link", Digest(blob));
            tar.Text($"{repo}/_manifests/revisions/sha256/{image.Digest.Hex}/link", image.Digest.ToString());
            tar.Text($"{repo}/_manifests/tags/{image.Tag}/current/link", image.Digest.ToString());
            tar.Text($"{repo}/_manifests/tags/{image.Tag}/index/sha256/{image.Digest.Hex}/link", image.Digest.ToString());
        }

        tar.Text("working-dir/.history/.history-2026-12-01T00:00:00Z", "");
        foreach (var (name, content) in clusterResources ?? new Dictionary<string, string>()) tar.Text($"working-dir/cluster-resources/{name}", content);
        tar.Text("isc_2026-12-01T00:00:00Z", "kind: ImageSetConfiguration\n");
    }

    /// <summary>
    /// An oc-mirror v1 archive: publish/.metadata.json first, then per repository the tag symlinks (before the manifest
    /// they name) and the manifests, a second repository's copy of a manifest as a hard link, then the blobs flattened.
    /// </summary>
    public static void OcMirrorV1(string path, IEnumerable<TestImage> images, string? mountInto = null)
    {
        var list = images.ToList();
        using var tar = new TarBuilder(path);
        tar.Text("publish/.metadata.json", """{"kind":"Metadata","apiVersion":"v1alpha2"}""");
        foreach (var image in list)
        {
            string manifests = $"v2/{image.Repository}/manifests";
            tar.Symlink($"{manifests}/{image.Tag}", image.Digest.ToString());
            tar.File($"{manifests}/{image.Digest}", image.Manifest);
            if (mountInto is not null)
            {
                tar.HardLink($"v2/{mountInto}/manifests/{image.Digest}", $"{manifests}/{image.Digest}");
                tar.Symlink($"v2/{mountInto}/manifests/{image.Tag}", image.Digest.ToString());
            }
        }

        var written = new HashSet<string>();
        foreach (var blob in list.SelectMany(static i => i.Blobs))
        {
            if (written.Add(Hex(blob))) tar.File($"blobs/{Digest(blob)}", blob);
        }
    }

    /// <summary>
    /// An `oc image mirror --to-dir` / `oc adm release mirror --to-dir` tree: v2/&lt;repo&gt;/blobs/sha256:&lt;hex&gt; for
    /// blobs and manifests alike, manifests/sha256:&lt;hex&gt; a hard link to the blob file, manifests/&lt;tag&gt; a relative
    /// symlink, and the release signatures in config/.
    /// </summary>
    public static void OcTree(string directory, IEnumerable<TestImage> images, string? signature = null)
    {
        foreach (var image in images)
        {
            string blobs = Directory.CreateDirectory(Path.Combine(directory, "v2", image.Repository, "blobs")).FullName;
            string manifests = Directory.CreateDirectory(Path.Combine(directory, "v2", image.Repository, "manifests")).FullName;
            foreach (var blob in image.Blobs.Append(image.Manifest)) File.WriteAllBytes(Path.Combine(blobs, Digest(blob)), blob);
            HardLink(Path.Combine(blobs, image.Digest.ToString()), Path.Combine(manifests, image.Digest.ToString()));
            File.CreateSymbolicLink(Path.Combine(manifests, image.Tag), image.Digest.ToString());
        }

        if (signature is not null)
        {
            Directory.CreateDirectory(Path.Combine(directory, "config"));
            File.WriteAllText(Path.Combine(directory, "config", "signature-sha256-0123456789abcdef.json"), signature);
        }
    }

    /// <summary>An OCI image layout (oci-layout, index.json with ref.name, blobs/sha256/&lt;hex&gt;), as skopeo writes `oci:DIR:TAG`.</summary>
    public static void OciLayout(string directory, TestImage image, string refName)
    {
        string blobs = Directory.CreateDirectory(Path.Combine(directory, "blobs", "sha256")).FullName;
        foreach (var blob in image.Blobs.Append(image.Manifest)) File.WriteAllBytes(Path.Combine(blobs, Hex(blob)), blob);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllText(Path.Combine(directory, "index.json"),
            $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{image.Digest}}}","size":{{{image.Manifest.Length}}},"annotations":{"org.opencontainers.image.ref.name":"{{{refName}}}"}}]}""");
    }

    /// <summary>A containers/image dir: layout: manifest.json, blobs named by bare hex, the version file.</summary>
    public static void DirLayout(string directory, TestImage image)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "manifest.json"), image.Manifest);
        foreach (var blob in image.Blobs) File.WriteAllBytes(Path.Combine(directory, Hex(blob)), blob);
        File.WriteAllText(Path.Combine(directory, "version"), "Directory Transport Version: 1.1\n");
    }

    private static void HardLink(string existing, string link)
    {
        if (Link(existing, link) != 0) throw new IOException($"link {existing} {link}: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string oldPath, string newPath);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
