using System.IO.Abstractions;
using System.Text;

namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>
/// fs.File with faults: every open goes through <see cref="FaultInjectingStream"/>, the whole-file helpers
/// write and read through such a stream (so a full disk leaves the same partial file it would in reality),
/// moves consult the plan with both their source and destination, and moves and unlinks are recorded for a
/// <see cref="PowerCut"/>. Metadata calls pass through.
/// </summary>
public sealed class FaultInjectingFile : FileWrapper
{
    private static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    private readonly FaultPlan _plan;

    public FaultInjectingFile(IFileSystem fileSystem, FaultPlan plan) : base(fileSystem) => _plan = plan;

    public override FileSystemStream Open(string path, FileMode mode) =>
        Open(path, mode, mode == FileMode.Append ? FileAccess.Write : FileAccess.ReadWrite, FileShare.None);

    public override FileSystemStream Open(string path, FileMode mode, FileAccess access) => Open(path, mode, access, FileShare.None);

    public override FileSystemStream Open(string path, FileMode mode, FileAccess access, FileShare share) =>
        FileSystem.FileStream.New(path, mode, access, share);

    public override FileSystemStream OpenRead(string path) => Open(path, FileMode.Open, FileAccess.Read, FileShare.Read);

    public override FileSystemStream OpenWrite(string path) => Open(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);

    public override FileSystemStream Create(string path) => Open(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);

    public override FileSystemStream Create(string path, int bufferSize) =>
        FileSystem.FileStream.New(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize);

    public override FileSystemStream Create(string path, int bufferSize, FileOptions options) =>
        FileSystem.FileStream.New(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize, options);

    public override byte[] ReadAllBytes(string path)
    {
        using var stream = OpenRead(path);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public override async Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = OpenRead(path);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        return copy.ToArray();
    }

    public override string ReadAllText(string path) => ReadAllText(path, Encoding.UTF8);

    public override string ReadAllText(string path, Encoding encoding)
    {
        using var reader = new StreamReader(OpenRead(path), encoding);
        return reader.ReadToEnd();
    }

    public override Task<string> ReadAllTextAsync(string path, CancellationToken cancellationToken = default) =>
        ReadAllTextAsync(path, Encoding.UTF8, cancellationToken);

    public override async Task<string> ReadAllTextAsync(string path, Encoding encoding, CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(OpenRead(path), encoding);
        return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void WriteAllBytes(string path, byte[] bytes)
    {
        using var stream = Create(path);
        stream.Write(bytes);
    }

    // The span overloads (new in 23.x) would otherwise reach the real file system: a collection expression such as
    // the one in WriteAllText below binds to them.
    public override void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = Create(path);
        stream.Write(bytes);
    }

    public override void WriteAllText(string path, ReadOnlySpan<char> contents) => WriteAllText(path, contents, Utf8NoBom);

    public override void WriteAllText(string path, ReadOnlySpan<char> contents, Encoding encoding) =>
        WriteAllText(path, contents.ToString(), encoding);

    public override async Task WriteAllBytesAsync(string path, byte[] bytes, CancellationToken cancellationToken = default)
    {
        await using var stream = Create(path);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    public override void WriteAllText(string path, string contents) => WriteAllText(path, contents, Utf8NoBom);

    public override void WriteAllText(string path, string contents, Encoding encoding) =>
        WriteAllBytes(path, [.. encoding.GetPreamble(), .. encoding.GetBytes(contents)]);

    public override Task WriteAllTextAsync(string path, string contents, CancellationToken cancellationToken = default) =>
        WriteAllTextAsync(path, contents, Utf8NoBom, cancellationToken);

    public override Task WriteAllTextAsync(string path, string contents, Encoding encoding, CancellationToken cancellationToken = default) =>
        WriteAllBytesAsync(path, [.. encoding.GetPreamble(), .. encoding.GetBytes(contents)], cancellationToken);

    public override void AppendAllText(string path, string contents) => AppendAllText(path, contents, Utf8NoBom);

    public override void AppendAllText(string path, string contents, Encoding encoding)
    {
        using var stream = Open(path, FileMode.Append, FileAccess.Write);
        stream.Write(encoding.GetBytes(contents));
    }

    public override void Copy(string sourceFileName, string destFileName) => Copy(sourceFileName, destFileName, overwrite: false);

    public override void Copy(string sourceFileName, string destFileName, bool overwrite)
    {
        using var source = OpenRead(sourceFileName);
        using var destination = Open(destFileName, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write);
        source.CopyTo(destination);
    }

    public override void Move(string sourceFileName, string destFileName) => Move(sourceFileName, destFileName, overwrite: false);

    public override void Move(string sourceFileName, string destFileName, bool overwrite)
    {
        CheckMove(sourceFileName, destFileName);
        if (overwrite || !base.Exists(destFileName)) _plan.PowerCut.Moving(sourceFileName, destFileName);
        base.Move(sourceFileName, destFileName, overwrite);
    }

    public override void Delete(string path)
    {
        _plan.PowerCut.Deleting(path);
        base.Delete(path);
    }

    public override void Replace(string sourceFileName, string destinationFileName, string? destinationBackupFileName)
    {
        CheckMove(sourceFileName, destinationFileName);
        _plan.PowerCut.Moving(sourceFileName, destinationFileName);
        base.Replace(sourceFileName, destinationFileName, destinationBackupFileName);
    }

    public override void Replace(string sourceFileName, string destinationFileName, string? destinationBackupFileName, bool ignoreMetadataErrors)
    {
        CheckMove(sourceFileName, destinationFileName);
        _plan.PowerCut.Moving(sourceFileName, destinationFileName);
        base.Replace(sourceFileName, destinationFileName, destinationBackupFileName, ignoreMetadataErrors);
    }

    private void CheckMove(string source, string destination)
    {
        _plan.Check(FaultOperation.Move, source);
        _plan.Check(FaultOperation.Move, destination);
    }
}
