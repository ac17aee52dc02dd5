namespace EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

/// <summary>A multi-platform image index and the images it lists.</summary>
internal sealed record GeneratedIndex(OciBlob Index, IReadOnlyList<GeneratedImage> Images)
{
    /// <summary>The index, every image manifest and every blob they reference.</summary>
    public IEnumerable<OciBlob> AllObjects => [Index, .. Images.SelectMany(image => image.AllObjects)];
}
