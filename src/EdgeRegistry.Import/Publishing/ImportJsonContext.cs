using System.Text.Json.Serialization;

namespace EdgeRegistry.Import.Publishing;

/// <summary>The report's JSON, source-generated (the binary is AOT-compiled).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ImportReport))]
public sealed partial class ImportJsonContext : JsonSerializerContext;
