namespace EdgeRegistry.Import.Media;

/// <summary>The medium itself cannot be read on (truncated archive, bad header, I/O error); the message names where.</summary>
public sealed class MediaException(string message, Exception? inner = null) : Exception(message, inner);
