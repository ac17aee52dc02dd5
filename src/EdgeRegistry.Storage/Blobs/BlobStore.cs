using System.IO.Abstractions;
using System.Text;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Durability;
using EdgeRegistry.Storage.Layout;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Storage.Blobs;

/// <summary>
/// Content-addressed blob data shared by all repositories, and the per-repository links that say which
/// repository holds which blob. A blob file is only ever created by renaming a complete, verified, fsynced file
/// into place, so the existence of <c>data</c> means the blob is whole.
/// </summary>
internal sealed class BlobStore
{
    private readonly IFileSystem _fs;
    private readonly StorePaths _paths;
    private readonly DurableFiles _files;

    public BlobStore(IFileSystem fs, StorePaths paths, DurableFiles files)
    {
        _fs = fs;
        _paths = paths;
        _files = files;
    }

    /// <summary>The committed blob's length, or null when the store does not hold it.</summary>
    public long? Length(Digest digest)
    {
        var info = _fs.FileInfo.New(_paths.BlobData(digest));
        return info.Exists ? info.Length : null;
    }

    public bool Exists(Digest digest) => _fs.File.Exists(_paths.BlobData(digest));

    /// <summary>True when the blob is linked into <paramref name="repository"/> as a layer or as a manifest revision.</summary>
    public bool IsLinked(RepositoryName repository, Digest digest) =>
        _fs.File.Exists(_paths.LayerLink(repository, digest)) || _fs.File.Exists(_paths.RevisionLink(repository, digest));

    public BlobInfo? Stat(RepositoryName repository, Digest digest)
    {
        if (!IsLinked(repository, digest)) return null;
        long? length = Length(digest);
        return length is null ? null : new BlobInfo(digest, length.Value);
    }

    public BlobReader? Open(RepositoryName repository, Digest digest) =>
        IsLinked(repository, digest) ? OpenCommitted(digest) : null;

    /// <summary>Opens the committed blob whatever repository links it.</summary>
    public BlobReader? OpenCommitted(Digest digest)
    {
        try
        {
            // bufferSize 1 disables FileStream's own buffer: reads go straight into the caller's memory.
            var stream = _fs.FileStream.New(_paths.BlobData(digest), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.Asynchronous);
            return new BlobReader(digest, stream);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    /// <summary>
    /// Makes a fully written, verified and fsynced file the blob for <paramref name="digest"/>. When the blob
    /// already exists the file is discarded: content addressing means the bytes are the same.
    /// </summary>
    public void Commit(string verifiedFile, Digest digest)
    {
        if (Exists(digest))
        {
            _files.TryDelete(verifiedFile);
            return;
        }
        _files.PublishFile(verifiedFile, _paths.BlobData(digest));
    }

    /// <summary>
    /// Makes each verified blob's content the blob for its digest and links it into its repository, all of them in
    /// one durable round: every file written and fsynced in the temp directory at the same moment (each blob's data
    /// before its link), renamed into place in that order, then one shared fsync of the temp directory (see
    /// <see cref="DurableFiles.PublishFromTemp"/> for why a link is then never durable without its data, and why a
    /// batch of small objects costs one journal commit for its files and one for its renames, where one round per
    /// object waited for two commits each). What the store already holds (the data, the same link) is not written
    /// again. Each blob's <see cref="LinkedBlob.MayLink"/> is asked once everything is staged, just before the
    /// renames: false (a tombstone) publishes that blob's data alone. For each blob, true when it was linked;
    /// everything is durable when this returns. A failure leaves no temporary file; a name already renamed into
    /// place stays (complete, fsynced bytes), unannounced.
    /// </summary>
    public bool[] CommitLinked(IReadOnlyList<LinkedBlob> blobs)
    {
        var staged = new List<ReadOnlyMemory<byte>>(blobs.Count * 2);
        // Per blob, where its data and its link are in `staged` (-1: the store holds it already).
        var slots = new (int Data, int Link)[blobs.Count];
        for (int i = 0; i < blobs.Count; i++)
        {
            var blob = blobs[i];
            bool needData = !Exists(blob.Digest), needLink = LinkFiles.Read(_fs, _paths.LayerLink(blob.Repository, blob.Digest)) != blob.Digest;
            slots[i] = (needData ? Stage(staged, blob.Content) : -1,
                needLink ? Stage(staged, Encoding.ASCII.GetBytes(blob.Digest.ToString())) : -1);
        }
        string?[] temps = _files.WriteTempFiles(staged);
        try
        {
            var linked = new bool[blobs.Count];
            var files = new List<(string, string)>(staged.Count);
            for (int i = 0; i < blobs.Count; i++)
            {
                var (dataSlot, linkSlot) = slots[i];
                linked[i] = blobs[i].MayLink();
                if (!linked[i] && linkSlot >= 0)
                {
                    _files.TryDelete(temps[linkSlot]!);
                    temps[linkSlot] = null;
                    linkSlot = -1;
                }
                if (dataSlot >= 0) files.Add((temps[dataSlot]!, _paths.BlobData(blobs[i].Digest)));
                if (linkSlot >= 0) files.Add((temps[linkSlot]!, _paths.LayerLink(blobs[i].Repository, blobs[i].Digest)));
            }
            // Nothing to rename and nothing to announce: no round to wait for. Announcing content another writer
            // renamed into place still waits for a round (PublishFromTemp), so it is durable before it is announced.
            if (files.Count > 0 || linked.Contains(true)) _files.PublishFromTemp(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(files));
            return linked;
        }
        catch
        {
            // Drops what was staged; a name already renamed into place is gone from the temp directory (a no-op).
            foreach (string? temp in temps)
            {
                if (temp is not null) _files.TryDelete(temp);
            }
            throw;
        }
    }

    private static int Stage(List<ReadOnlyMemory<byte>> staged, ReadOnlyMemory<byte> content)
    {
        staged.Add(content);
        return staged.Count - 1;
    }

    /// <summary>Records that <paramref name="repository"/> holds the blob (a layer link), durably.</summary>
    /// <param name="likelyAbsent">The caller expects the link not to be there (a manifest new to the repository
    /// links its blobs): one stat says so, where a read that finds nothing costs an open, the stat .NET makes to
    /// tell a missing file from a missing directory, and an exception. Where the link is usually there, reading
    /// it straight away is one syscall cheaper.</param>
    public void LinkLayer(RepositoryName repository, Digest digest, bool likelyAbsent = false)
    {
        string link = _paths.LayerLink(repository, digest);
        if ((!likelyAbsent || _fs.File.Exists(link)) && LinkFiles.Read(_fs, link) == digest) return;
        _files.WriteLink(link, digest.ToString());
    }

    public bool UnlinkLayer(RepositoryName repository, Digest digest) =>
        _files.RemoveDirectoryAtomically(Path.GetDirectoryName(_paths.LayerLink(repository, digest))!);
}
