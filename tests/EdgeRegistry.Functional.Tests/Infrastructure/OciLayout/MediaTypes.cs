namespace EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

/// <summary>The OCI image-spec media types the generated images use.</summary>
internal static class MediaTypes
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string GzipLayer = "application/vnd.oci.image.layer.v1.tar+gzip";
}
