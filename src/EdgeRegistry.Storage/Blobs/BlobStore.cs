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
    /// Makes verified <paramref name="content"/> the blob for <paramref name="digest"/> and links it into
    /// <paramref name="repository"/> in one durable round: both files written and fsynced in the temp directory
    /// (data first), renamed into place data first, then one shared fsync of the temp directory (see
    /// <see cref="DurableFiles.PublishFromTemp"/> for why the link is then never durable without the data). What the
    /// store already holds (the data, the same link) is not written again. <paramref name="mayLink"/> is asked once
    /// both files are staged, just before the renames: false (a tombstone) publishes the data alone. True when the
    /// blob was linked; everything is durable when this returns.
    /// </summary>
    public bool CommitLinked(ReadOnlyMemory<byte> content, Digest digest, RepositoryName repository, Func<bool> mayLink)
    {
        string dataPath = _paths.BlobData(digest), linkPath = _paths.LayerLink(repository, digest);
        string? data = null, link = null;
        try
        {
            bool needData = !Exists(digest), needLink = LinkFiles.Read(_fs, linkPath) != digest;
            // Both fsynced at the same moment (one journal commit where one after the other took two).
            var staged = new List<ReadOnlyMemory<byte>>(2);
            if (needData) staged.Add(content);
            if (needLink) staged.Add(Encoding.ASCII.GetBytes(digest.ToString()));
            string[] temps = _files.WriteTempFiles(staged);
            if (needData) data = temps[0];
            if (needLink) link = temps[^1];
            bool linking = mayLink();
            if (!linking && link is not null)
            {
                _files.TryDelete(link);
                link = null;
            }
            // Nothing to rename and nothing to announce: no round to wait for. Announcing content another writer
            // renamed into place still waits for a round (PublishFromTemp), so it is durable before it is announced.
            if (data is null && link is null && !linking) return false;
            Span<(string, string)> files = [default, default];
            int count = 0;
            if (data is not null) files[count++] = (data, dataPath);
            if (link is not null) files[count++] = (link, linkPath);
            _files.PublishFromTemp(files[..count]);
            return linking;
        }
        catch
        {
            // Drops what was staged; a name already renamed into place is gone from the temp directory (a no-op).
            if (data is not null) _files.TryDelete(data);
            if (link is not null) _files.TryDelete(link);
            throw;
        }
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
