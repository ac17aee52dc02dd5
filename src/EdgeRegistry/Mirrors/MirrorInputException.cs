namespace EdgeRegistry.Mirrors;

/// <summary>Input render-mirrors cannot use: the message names the flag, file or line and what is wrong.</summary>
internal sealed class MirrorInputException(string message) : Exception(message);
