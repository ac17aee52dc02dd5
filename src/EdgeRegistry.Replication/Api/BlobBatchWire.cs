using System.Buffers;
using System.Globalization;
using System.Text;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Replication.Api;

/// <summary>
/// The peer API's batch of small blobs: <c>GET /_edgereg/peer/v1/blob-batch?d=&lt;digest&gt;,&lt;digest&gt;,…</c>.
/// A wiped node's objects are mostly blobs of a few KiB, and one request each made the request — headers, routing,
/// a response, the peer's and our own thread hops — cost more than the bytes on both nodes. The digests are in the
/// query, so the cluster signature (method, path and query) covers them.
/// <para>
/// The body answers each digest in the order asked, with one ASCII header line and, for a blob, its bytes:
/// <c>"&lt;digest&gt; &lt;length&gt;\n"</c> then exactly that many bytes; <c>"&lt;digest&gt; missing\n"</c> when the
/// peer does not hold it; <c>"&lt;digest&gt; large\n"</c> when it is longer than <see cref="MaxBlobBytes"/> (to be
/// fetched alone, with resume). Nothing in the answer is trusted: the asker checks the order, the bounds and, as for
/// any copy, every digest before anything is stored. A node that predates the batch answers 404, and the asker falls
/// back to one request per blob.
/// </para>
/// </summary>
internal static class BlobBatchWire
{
    public const string Path = "blob-batch";
    public const string MediaType = "application/vnd.edgereg.blob-batch.v1";

    /// <summary>The largest blob a batch carries: the inline bound of the fetcher (read whole into memory, verified there).</summary>
    public const int MaxBlobBytes = Convergence.BlobFetcher.InlineBytes;

    /// <summary>Digests one request may ask for (the fetcher asks for up to <see cref="Convergence.BlobFetcher.BatchBlobs"/>).</summary>
    public const int MaxDigests = 64;

    /// <summary>A header line is a digest (at most 7 + 1 + 128 characters for sha512), a space and a word or a length.</summary>
    public const int MaxHeaderBytes = 200;

    public const string Missing = "missing";
    public const string Large = "large";

    public static string Query(IEnumerable<Digest> digests) => "?d=" + string.Join(',', digests);

    /// <summary>The digests asked for; null when the list is empty, too long or holds something that is not a digest.</summary>
    public static List<Digest>? ParseQuery(string list)
    {
        if (list.Length == 0) return null;
        var digests = new List<Digest>();
        foreach (var range in list.AsSpan().Split(','))
        {
            if (digests.Count == MaxDigests || !Digest.TryParse(list[range], out var digest)) return null;
            digests.Add(digest);
        }
        return digests;
    }

    public static void WriteBlobHeader(IBufferWriter<byte> writer, Digest digest, int length) =>
        WriteHeader(writer, digest, length.ToString(CultureInfo.InvariantCulture));

    public static void WriteHeader(IBufferWriter<byte> writer, Digest digest, string word)
    {
        string line = digest + " " + word + "\n";
        var span = writer.GetSpan(line.Length);
        int written = Encoding.ASCII.GetBytes(line, span);
        writer.Advance(written);
    }
}
