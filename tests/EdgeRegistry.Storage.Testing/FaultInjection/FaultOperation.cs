namespace EdgeRegistry.Storage.Testing.FaultInjection;

/// <summary>The file-system operations a <see cref="FaultPlan"/> can make fail.</summary>
public enum FaultOperation
{
    /// <summary>Bytes written through a stream or a File.Write* call.</summary>
    Write,
    /// <summary>Bytes read through a stream or a File.Read* call.</summary>
    Read,
    /// <summary>File.Move, File.Replace and Directory.Move; the predicate sees the source and the destination.</summary>
    Move,
    /// <summary>Stream.Flush / FlushAsync (user-space buffers to the kernel).</summary>
    Flush,
    /// <summary>IFileSync: fsync of a file or a directory.</summary>
    Fsync,
    /// <summary>Opening or creating a file (the predicate sees its path).</summary>
    Open,
}
