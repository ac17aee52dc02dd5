using System.Text.Json.Serialization;

namespace EdgeRegistry.Distribution.Json;

/// <summary>Every JSON body the API writes, serialized without reflection (native AOT).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(TagListBody))]
[JsonSerializable(typeof(CatalogBody))]
[JsonSerializable(typeof(ReferrersIndexBody))]
internal sealed partial class DistributionJsonContext : JsonSerializerContext;
