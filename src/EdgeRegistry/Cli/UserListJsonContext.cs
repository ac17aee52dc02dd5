using System.Text.Json.Serialization;
using EdgeRegistry.Distribution.Access;

namespace EdgeRegistry.Cli;

/// <summary>`edgereg user list --json`: every key always present (null when not applicable), without reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = true)]
[JsonSerializable(typeof(UserListDocument))]
internal sealed partial class UserListJsonContext : JsonSerializerContext;

/// <summary>The credentials file that was read and its users (hash schemes only, never a hash).</summary>
internal sealed record UserListDocument(string CredentialsFile, IReadOnlyList<CredentialEntry> Users);
