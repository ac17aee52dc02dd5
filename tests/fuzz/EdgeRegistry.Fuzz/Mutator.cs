using System.Text;

namespace EdgeRegistry.Fuzz;

/// <summary>
/// Structure-aware-enough mutations of corpus entries, seeded so a run is repeatable: byte flips, inserts,
/// deletions, duplicated and spliced chunks, and tokens the parsers care about (JSON punctuation, digests,
/// header syntax, path segments, YAML indentation).
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly byte[][] Tokens = [.. new[]
    {
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "0", "1e400", "9223372036854775807", "\\u0000",
        "\"mediaType\"", "\"digest\"", "\"size\"", "\"manifests\"", "\"layers\"", "\"config\"", "\"platform\"",
        "\"schemaVersion\":2", "sha256:", "sha512:", "sha256:" + new string('a', 64), "/", "..", "%2e", "%2F", "\0",
        "/manifests/", "/blobs/", "/blobs/uploads/", "/tags/list", "bytes=", "-", "/", " ", "\r\n", "\t", "  ",
        "- ", "key: ", "&a", "*a", "!!binary", "---", "spec:", "imageDigestMirrors:", "mirrors:", "source:",
    }.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Single bytes at the edges of what the parsers accept.</summary>
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7f, 0x80, 0xff, (byte)'0', (byte)'9', (byte)'a', (byte)'z', (byte)'{', (byte)'}', (byte)'"', (byte)':', (byte)','];

    private readonly Random _random = new(seed);

    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(input);
        int rounds = 1 + _random.Next(4);
        for (int i = 0; i < rounds; i++) MutateOnce(data, corpus);
        // Bounded inputs keep each run short; the parsers' own limits are tested by their unit tests.
        return data.Count > 64 * 1024 ? [.. data.GetRange(0, 64 * 1024)] : [.. data];
    }

    private void MutateOnce(List<byte> data, IReadOnlyList<byte[]> corpus)
    {
        int position = data.Count == 0 ? 0 : _random.Next(data.Count + 1);
        switch (_random.Next(7))
        {
            case 0 when data.Count > 0:
                data[Math.Min(position, data.Count - 1)] ^= (byte)(1 << _random.Next(8));
                break;
            case 1:
                data.Insert(position, (byte)_random.Next(256));
                break;
            case 2 when data.Count > 0:
                data.RemoveRange(Math.Min(position, data.Count - 1), Math.Min(1 + _random.Next(16), data.Count - Math.Min(position, data.Count - 1)));
                break;
            case 3 when data.Count > 0:
            {
                int start = _random.Next(data.Count);
                int length = Math.Min(1 + _random.Next(64), data.Count - start);
                data.InsertRange(position, data.GetRange(start, length));
                break;
            }
            case 4 when corpus.Count > 0:
            {
                var other = corpus[_random.Next(corpus.Count)];
                if (other.Length == 0) break;
                int start = _random.Next(other.Length);
                data.InsertRange(position, other.AsSpan(start, Math.Min(1 + _random.Next(128), other.Length - start)).ToArray());
                break;
            }
            case 5 when data.Count > 0:
                data[Math.Min(position, data.Count - 1)] = Interesting[_random.Next(Interesting.Length)];
                break;
            default:
                data.InsertRange(position, Tokens[_random.Next(Tokens.Length)]);
                break;
        }
    }
}
