namespace EdgeRegistry.Import.Publishing;

/// <summary>The states a manifest of the medium ends in (the <c>state</c> field of the JSON report).</summary>
public static class ManifestStates
{
    public const string Imported = "imported";
    public const string Present = "present";
    public const string WouldImport = "would-import";
    public const string Skipped = "skipped";
}
