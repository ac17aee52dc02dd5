namespace EdgeRegistry.Storage.Durability;

/// <summary>The copying form of <see cref="IFileAppender.WriteInPlaceAsync"/>, for appenders (and memory) that cannot write in place.</summary>
internal static class AppenderCopy
{
    public static async ValueTask CopyThenReleaseAsync(IFileAppender appender, ReadOnlyMemory<byte> data, Action release,
        CancellationToken cancellationToken)
    {
        try
        {
            while (!data.IsEmpty)
            {
                var buffer = appender.Buffer;
                int count = Math.Min(buffer.Length, data.Length);
                data.Span[..count].CopyTo(buffer.Span);
                data = data[count..];
                if (data.IsEmpty)
                {
                    // Copied out entirely: the caller's memory is free before the last write goes on.
                    release();
                    release = static () => { };
                }
                await appender.WriteAsync(count, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            release();
        }
    }
}
