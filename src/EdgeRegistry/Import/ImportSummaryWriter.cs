using EdgeRegistry.Import.Publishing;

namespace EdgeRegistry.Import;

/// <summary>The human summary of an import: totals, then (dry run) each manifest, then every problem on its own line.</summary>
internal static class ImportSummaryWriter
{
    public static void Write(TextWriter output, ImportReport report, IReadOnlyList<string> written)
    {
        string verb = report.DryRun ? "would import" : "imported";
        output.WriteLine($"{verb} {report.Repositories} repositories: {report.ManifestsImported} manifests ({report.ManifestsPresent} already present), "
            + $"{report.TagsSet} tags ({report.TagsPresent} already set), {report.BlobsImported} blobs, {ImportProgressReporter.Bytes(report.BlobBytesImported)} "
            + $"({report.BlobsPresent} present, {ImportProgressReporter.Bytes(report.BlobBytesPresent)}, not read again)");
        if (report.DryRun)
        {
            output.WriteLine($"space needed: {ImportProgressReporter.Bytes(report.BytesNeeded)}");
            foreach (var manifest in report.Manifests)
            {
                string tags = manifest.Tags.Length == 0 ? "" : " " + string.Join(' ', manifest.Tags.Select(tag => $"{manifest.Repository}:{tag}"));
                output.WriteLine($"  {manifest.State,-12} {manifest.Repository}@{manifest.Digest}{tags}");
            }
        }

        foreach (string path in written) output.WriteLine($"wrote {path}");
        foreach (var problem in report.Problems) output.WriteLine($"problem: {problem}");
        if (!report.Completed) output.WriteLine("the import did not finish; run it again to resume (present content is skipped)");
    }
}
