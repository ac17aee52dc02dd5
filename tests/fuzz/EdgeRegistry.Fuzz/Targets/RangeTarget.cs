using System.Buffers.Binary;
using System.Text;
using EdgeRegistry.Distribution.Http;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>
/// <c>Range</c> (blob GETs) and <c>Content-Range</c> (upload chunks). The first eight bytes pick the blob length;
/// a partial answer must lie inside the blob, a chunk must be non-empty and ordered.
/// </summary>
internal sealed class RangeTarget : IFuzzTarget
{
    public string Name => "range";

    public void Run(ReadOnlySpan<byte> input)
    {
        long length = input.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(input) & long.MaxValue : input.Length;
        string header = Encoding.Latin1.GetString(input.Length >= 8 ? input[8..] : input);
        foreach (long blobLength in new[] { length, 0L, 1L, 1000L })
        {
            var outcome = ByteRange.Parse(header, blobLength, out var range);
            if (outcome == ByteRange.Outcome.Partial)
            {
                FuzzFinding.Check(range.Start >= 0 && range.Length > 0 && range.Start + range.Length <= blobLength,
                    $"range {range.Start}+{range.Length} outside a blob of {blobLength} for '{header}'");
                _ = range.ContentRange(blobLength);
            }
        }
        if (ChunkRange.TryParse(header, out var chunk))
        {
            FuzzFinding.Check(chunk.Start >= 0 && chunk.End >= chunk.Start && chunk.Length > 0, $"chunk {chunk.Start}-{chunk.End} for '{header}'");
        }
    }
}
