using System.Text.Json.Serialization;

namespace EdgeRegistry.Scrub;

/// <summary>The scrub report as `edgereg scrub --json` prints it and the agent sends it over the status socket.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ScrubReport))]
internal sealed partial class ScrubJsonContext : JsonSerializerContext;
