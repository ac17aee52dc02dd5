using System.Security.Cryptography;
using System.Text;

namespace EdgeRegistry.Host.Tests.Support;

/// <summary>
/// Writes a store in CNCF Distribution's layout directly, as registry:2 would have left it (no edgereg files):
/// per repository a config, small layers and an OCI manifest tagged <see cref="Tag"/>. Fast, because it does not
/// fsync: a test's source store, not one under test.
/// </summary>
internal static class DistributionStoreWriter
{
    public const string Tag = "v1";
    public const int LayersPerRepository = 4;

    /// <summary>Writes <paramref name="repositories"/> repositories; returns every digest written (all blobs on disk).</summary>
    public static List<string> Write(string root, int repositories, int seed = 7)
    {
        var random = new Random(seed);
        string v2 = Path.Combine(root, "docker", "registry", "v2");
        var digests = new List<string>();
        for (int r = 0; r < repositories; r++)
        {
            string repository = $"mirror/team{r / 50}/app{r}";
            string repositoryDir = Path.Combine(v2, "repositories", repository);
            var layers = new List<(string Digest, int Size)>();
            for (int i = 0; i < LayersPerRepository; i++)
            {
                var data = new byte[random.Next(256, 2048)];
                random.NextBytes(data);
                layers.Add((Blob(v2, data), data.Length));
            }
            var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"comment\":\"{repository}\"}}");
            string configDigest = Blob(v2, config);
            var manifest = Encoding.UTF8.GetBytes(
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
                $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{configDigest}\",\"size\":{config.Length}}}," +
                "\"layers\":[" + string.Join(",", layers.Select(l =>
                    $"{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{l.Digest}\",\"size\":{l.Size}}}")) + "]}");
            string manifestDigest = Blob(v2, manifest);
            foreach (string d in layers.Select(l => l.Digest).Append(configDigest))
                Link(Path.Combine(repositoryDir, "_layers", "sha256", d[7..]), d);
            Link(Path.Combine(repositoryDir, "_manifests", "revisions", "sha256", manifestDigest[7..]), manifestDigest);
            Link(Path.Combine(repositoryDir, "_manifests", "tags", Tag, "current"), manifestDigest);
            Link(Path.Combine(repositoryDir, "_manifests", "tags", Tag, "index", "sha256", manifestDigest[7..]), manifestDigest);
            digests.AddRange(layers.Select(l => l.Digest));
            digests.Add(configDigest);
            digests.Add(manifestDigest);
        }
        return digests;
    }

    /// <summary>Where Distribution keeps a blob's bytes under <paramref name="root"/>.</summary>
    public static string BlobData(string root, string digest) =>
        Path.Combine(root, "docker", "registry", "v2", "blobs", "sha256", digest[7..9], digest[7..], "data");

    public static string Repository(int index) => $"mirror/team{index / 50}/app{index}";

    private static string Blob(string v2, byte[] data)
    {
        string hex = Convert.ToHexStringLower(SHA256.HashData(data));
        string directory = Path.Combine(v2, "blobs", "sha256", hex[..2], hex);
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "data"), data);
        return "sha256:" + hex;
    }

    private static void Link(string directory, string digest)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "link"), digest);
    }
}
