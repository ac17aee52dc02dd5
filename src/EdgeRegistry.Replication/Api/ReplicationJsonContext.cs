using System.Text.Json.Serialization;

namespace EdgeRegistry.Replication.Api;

/// <summary>Every JSON type exchanged between peers, source-generated (the binary is native AOT).</summary>
[JsonSerializable(typeof(FeedPage))]
[JsonSerializable(typeof(InventorySummary))]
[JsonSerializable(typeof(Users.UserTable))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class ReplicationJsonContext : JsonSerializerContext;
