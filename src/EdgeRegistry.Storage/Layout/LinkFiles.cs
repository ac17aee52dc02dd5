using System.IO.Abstractions;
using System.Text;
using EdgeRegistry.Storage.Digests;

namespace EdgeRegistry.Storage.Layout;

/// <summary>Reads Distribution link files: a small file holding "alg:hex" (we tolerate surrounding whitespace).</summary>
internal static class LinkFiles
{
    /// <summary>Longest valid content: "sha512:" + 128 hex, plus slack for a trailing newline.</summary>
    private const int MaxLinkBytes = 160;

    public static Digest? Read(IFileSystem fs, string path)
    {
        try
        {
            using var stream = fs.FileStream.New(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
            // One read: a link is a regular file on a local file system, where a read returns less than asked only at
            // the end of the file, so a buffer one byte longer than any valid link gets all of it at once (a loop
            // until a read returns 0 cost a second read per link, and a rehydrating node reads a link per object).
            Span<byte> buffer = stackalloc byte[MaxLinkBytes + 1];
            int total = stream.Read(buffer);
            if (total > MaxLinkBytes) return null;
            string text = Encoding.ASCII.GetString(buffer[..total]).Trim();
            return Digest.TryParse(text, out var digest) ? digest : null;
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }
}
