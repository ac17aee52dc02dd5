using System.Text.Json.Serialization;
using EdgeRegistry.Storage.Collection;

namespace EdgeRegistry.Collection;

/// <summary>The collection report as `edgereg gc --json` prints it and the agent sends it over the status socket.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(CollectionReport))]
internal sealed partial class CollectionJsonContext : JsonSerializerContext;
