using System.Text.Json;
using EdgeRegistry.Replication.Api;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>A peer's change-feed page (a lying or broken peer): rejected as JSON, or each entry accepted or dropped.</summary>
internal sealed class FeedPageTarget : IFuzzTarget
{
    public string Name => "feed";

    public void Run(ReadOnlySpan<byte> input)
    {
        FeedPage? page;
        try
        {
            page = JsonSerializer.Deserialize(input, ReplicationJsonContext.Default.FeedPage);
        }
        catch (JsonException)
        {
            return;
        }
        if (page?.Entries is null) return;
        foreach (var wire in page.Entries)
        {
            if (wire is null) continue;
            if (FeedEntries.FromWire(wire) is { } entry)
            {
                FuzzFinding.Check(entry.Size >= 0 && entry.Version >= 0, "an entry with a negative size or version");
            }
        }
    }
}
