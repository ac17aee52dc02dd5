namespace EdgeRegistry.Import.Publishing;

/// <summary>The report, plus the resource files' bytes for the caller to write out (kept out of the JSON report).</summary>
public sealed record ImportResult(ImportReport Report, IReadOnlyList<ImportedResource> Resources);

/// <summary>A cluster resource file from the medium: its file name and bytes.</summary>
public sealed record ImportedResource(string FileName, byte[] Content);
