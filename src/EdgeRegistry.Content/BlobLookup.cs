namespace EdgeRegistry.Content;

/// <summary>A source's answer for a blob: an outcome and, by outcome, the blob's length or its body.</summary>
public sealed class BlobLookup
{
    public static readonly BlobLookup Local = new(BlobOutcome.Local, 0, null);
    public static readonly BlobLookup Missing = new(BlobOutcome.Missing, 0, null);
    public static readonly BlobLookup Failed = new(BlobOutcome.Failed, 0, null);

    private BlobLookup(BlobOutcome outcome, long length, BlobBody? body)
    {
        Outcome = outcome;
        Length = length;
        Body = body;
    }

    public BlobOutcome Outcome { get; }

    /// <summary>The blob's length, for <see cref="BlobOutcome.Elsewhere"/> and <see cref="BlobOutcome.Streaming"/>.</summary>
    public long Length { get; }

    /// <summary>For <see cref="BlobOutcome.Streaming"/>: the bytes, which the caller must send or dispose.</summary>
    public BlobBody? Body { get; }

    public static BlobLookup Elsewhere(long length) => new(BlobOutcome.Elsewhere, length, null);

    public static BlobLookup Streaming(BlobBody body) => new(BlobOutcome.Streaming, body.Length, body);
}
