namespace EdgeRegistry.Status;

/// <summary>The newest counts (kept when a later count fails) and the error of the last count, if it failed.</summary>
internal sealed record CensusResult(StoreCounts? Counts, string? Error);
