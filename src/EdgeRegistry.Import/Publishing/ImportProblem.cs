namespace EdgeRegistry.Import.Publishing;

/// <summary>
/// Something the import refused or could not do, named so the operator can find it: <see cref="Subject"/> is the blob
/// digest, <c>repository@digest</c> or <c>repository:tag</c>; <see cref="Position"/> where on the media, when it came
/// from one entry.
/// </summary>
public sealed record ImportProblem(string Kind, string Subject, string Message, string? Position)
{
    public override string ToString() => Position is null ? $"{Subject}: {Message}" : $"{Subject}: {Message} ({Position})";
}
