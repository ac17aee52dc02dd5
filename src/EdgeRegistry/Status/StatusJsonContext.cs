using System.Text.Json.Serialization;

namespace EdgeRegistry.Status;

/// <summary>
/// The status documents, serialized without reflection (native AOT). Null values are written rather than
/// omitted so every documented key is always present (see README.md in this folder).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = true)]
[JsonSerializable(typeof(AgentStatusDocument))]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
