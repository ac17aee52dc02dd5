using System.Text;

namespace EdgeRegistry.Distribution.Tests.Support;

/// <summary>Manifest documents for tests, written as literal JSON so their bytes (and digests) are exact.</summary>
internal static class Manifests
{
    public const string OciManifestType = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndexType = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifestType = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerListType = "application/vnd.docker.distribution.manifest.list.v2+json";

    public static byte[] OciImage(string configDigest, long configSize, string layerDigest, long layerSize,
        string? subjectDigest = null, long subjectSize = 0, string? artifactType = null)
    {
        string subject = subjectDigest is null ? "" :
            $",\"subject\":{{\"mediaType\":\"{OciManifestType}\",\"digest\":\"{subjectDigest}\",\"size\":{subjectSize}}}";
        string artifact = artifactType is null ? "" : $",\"artifactType\":\"{artifactType}\"";
        return Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{OciManifestType}\"{artifact}," +
            $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{configDigest}\",\"size\":{configSize}}}," +
            $"\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{layerDigest}\",\"size\":{layerSize}}}]{subject}}}");
    }

    public static byte[] DockerImage(string configDigest, long configSize, string layerDigest, long layerSize) =>
        Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{DockerManifestType}\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"{configDigest}\",\"size\":{configSize}}}," +
            $"\"layers\":[{{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"{layerDigest}\",\"size\":{layerSize}}}]}}");

    public static byte[] OciIndex(params (string Digest, long Size)[] manifests)
    {
        var entries = string.Join(",", manifests.Select(m =>
            $"{{\"mediaType\":\"{OciManifestType}\",\"digest\":\"{m.Digest}\",\"size\":{m.Size},\"platform\":{{\"architecture\":\"amd64\",\"os\":\"linux\"}}}}"));
        return Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"mediaType\":\"{OciIndexType}\",\"manifests\":[{entries}]}}");
    }
}
