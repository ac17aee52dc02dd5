using System.Text;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;

namespace EdgeRegistry.Storage.Testing.Support;

/// <summary>Hand-written manifest JSON of each supported kind, as real clients push it.</summary>
public static class Manifests
{
    public const string OciConfigType = "application/vnd.oci.image.config.v1+json";
    public const string OciLayerType = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string DockerConfigType = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerType = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    public static string Descriptor(string mediaType, Digest digest, long size, string? extra = null) =>
        "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + (extra is null ? "" : "," + extra) + "}";

    public static byte[] OciManifest(Digest config, long configSize, (Digest Digest, long Size)[] layers,
        string configType = OciConfigType, string? artifactType = null, string? subject = null, string? annotations = null)
    {
        var json = new StringBuilder();
        json.Append("{\"schemaVersion\":2,\"mediaType\":\"").Append(ManifestMediaTypes.OciManifest).Append("\",");
        if (artifactType is not null) json.Append("\"artifactType\":\"").Append(artifactType).Append("\",");
        json.Append("\"config\":").Append(Descriptor(configType, config, configSize)).Append(",\"layers\":[");
        json.Append(string.Join(',', layers.Select(l => Descriptor(OciLayerType, l.Digest, l.Size))));
        json.Append(']');
        if (subject is not null) json.Append(",\"subject\":").Append(subject);
        if (annotations is not null) json.Append(",\"annotations\":").Append(annotations);
        json.Append('}');
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    public static byte[] DockerManifest(Digest config, long configSize, (Digest Digest, long Size)[] layers) =>
        Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"" + ManifestMediaTypes.DockerManifest + "\",\"config\":"
            + Descriptor(DockerConfigType, config, configSize) + ",\"layers\":["
            + string.Join(',', layers.Select(l => Descriptor(DockerLayerType, l.Digest, l.Size))) + "]}");

    public static byte[] Index(string mediaType, string childType, params (Digest Digest, long Size, string Arch)[] children) =>
        Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"manifests\":["
            + string.Join(',', children.Select(c =>
                Descriptor(childType, c.Digest, c.Size, "\"platform\":{\"architecture\":\"" + c.Arch + "\",\"os\":\"linux\"}")))
            + "]}");
}
