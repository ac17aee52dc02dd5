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
            Span<byte> buffer = stackalloc byte[MaxLinkBytes];
            int total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer[total..])) > 0) total += read;
            if (total == buffer.Length) return null;
            string text = Encoding.ASCII.GetString(buffer[..total]).Trim();
            return Digest.TryParse(text, out var digest) ? digest : null;
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }
}
