using System.Formats.Tar;
using System.IO.Compression;

namespace EdgeRegistry.Functional.Tests.Infrastructure.OciLayout;

/// <summary>
/// A real, gzipped tar layer holding one file of seeded pseudo-random bytes. Layers are gzipped here
/// because skopeo compresses uncompressed layers on push, which would change their digests; the tar is
/// real because podman unpacks it and checks the config's diff_ids.
/// </summary>
internal static class LayerTarball
{
    private static readonly DateTimeOffset FixedTime = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <returns>The gzipped layer and the digest of the uncompressed tar (its diff_id).</returns>
    public static (byte[] Gzipped, string DiffId) Create(string fileName, int seed, int fileBytes)
    {
        var payload = new byte[fileBytes];
        new Random(seed).NextBytes(payload);

        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            var entry = new UstarTarEntry(TarEntryType.RegularFile, fileName)
            {
                DataStream = new MemoryStream(payload),
                ModificationTime = FixedTime,
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            };
            writer.WriteEntry(entry);
        }

        var tarBytes = tar.ToArray();
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tarBytes);
        }

        return (gzipped.ToArray(), Sha256Digest.Of(tarBytes));
    }
}
