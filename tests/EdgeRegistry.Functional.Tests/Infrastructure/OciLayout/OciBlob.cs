namespace EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

/// <summary>One content-addressed object of a generated image: its media type, bytes and digest.</summary>
internal sealed class OciBlob
{
    public OciBlob(string mediaType, byte[] content)
    {
        MediaType = mediaType;
        Content = content;
        Digest = Sha256Digest.Of(content);
    }

    public string MediaType { get; }

    public byte[] Content { get; }

    public string Digest { get; }

    public long Size => Content.LongLength;
}
