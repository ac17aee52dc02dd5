using System.Text.Json;

namespace EdgeRegistry.Configuration;

/// <summary>
/// Reads the JSON config file into a settings layer. The file is walked with <see cref="JsonDocument"/>
/// rather than bound to a type: that needs no reflection, and it lets every problem (an unknown key, an
/// object where a string belongs) be reported by its key name.
/// </summary>
internal static class ConfigFileSettings
{
    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static SettingLayer Read(string path, List<string> errors)
    {
        var layer = new SettingLayer();
        byte[] bytes;
        try
        {
            if (UnsafeFileProblem(path) is { } problem)
            {
                errors.Add($"{path}: {problem}");
                return layer;
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}: cannot read config file: {e.Message}");
            return layer;
        }

        // JsonDocument leaves invalid UTF-8 inside strings to be found when a value is read, as an
        // InvalidOperationException (found by tests/fuzz): refuse the file up front instead.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            errors.Add($"{path}: invalid JSON: the file is not valid UTF-8");
            return layer;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{path}: expected a JSON object at the top level");
                return layer;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                ReadProperty(path, property, layer, errors);
            }
        }
        catch (JsonException e)
        {
            errors.Add(JsonSyntaxProblem.Describe(path, bytes, e));
        }

        return layer;
    }

    /// <summary>Larger than any real config file; a bigger one is a mistake (or an attack), not settings.</summary>
    private const long MaxConfigBytes = 1024 * 1024;

    /// <summary>
    /// Checked before the file is opened. A FIFO would block the open forever and a device (/dev/zero) never ends;
    /// both report length 0, as an empty file does, and none of them is a config file. A file every user may
    /// write would let anyone move the store or the listeners. A symbolic link is followed: the file it ends at
    /// is what is checked (config files linked from elsewhere in /etc are normal).
    /// </summary>
    private static string? UnsafeFileProblem(string path)
    {
        var info = new FileInfo(path);
        var target = info.LinkTarget is not null ? info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo : info;
        if (target is null || !target.Exists) return "cannot read config file: the file (or its symlink's target) does not exist";
        if (target.Length == 0) return "is empty or not a regular file (a FIFO or device): not read";
        if (target.Length > MaxConfigBytes) return $"is {target.Length} bytes, more than a config file can be ({MaxConfigBytes})";
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(target.FullName) & UnixFileMode.OtherWrite) != 0)
            return "is writable by every user (chmod o-w it): not trusted";
        return null;
    }

    private static void ReadProperty(string path, JsonProperty property, SettingLayer layer, List<string> errors)
    {
        // Objects, one per upstream registry: read whole, not as a scalar or a list of strings.
        if (string.Equals(property.Name, UpstreamRegistryConfig.FileKey, StringComparison.OrdinalIgnoreCase))
        {
            layer.UpstreamRegistries = UpstreamRegistryConfig.Read(path, property.Value, errors);
            return;
        }

        var key = SettingKey.FileSettings.FirstOrDefault(
            k => string.Equals(k.FileKey, property.Name, StringComparison.OrdinalIgnoreCase));
        if (key is null)
        {
            errors.Add($"{path}: unknown key \"{property.Name}\"");
            return;
        }

        var origin = $"{path}: {key.FileKey}";
        var value = property.Value;
        if (key.IsList && value.ValueKind == JsonValueKind.Array)
        {
            var items = new List<string>();
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    errors.Add($"{origin}: expected an array of strings");
                    return;
                }

                items.Add(item.GetString()!);
            }

            if (items.Count == 0)
            {
                errors.Add($"{origin}: expected at least one address");
                return;
            }

            layer.Set(key, new RawSetting(items, origin));
            return;
        }

        // Scalars keep their JSON text (true, 10, "a string"); the typed parsers check them like any other source.
        string? text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
        if (text is null)
        {
            errors.Add(key.IsList
                ? $"{origin}: expected an array of strings"
                : $"{origin}: expected a string, number or boolean, not {Describe(value.ValueKind)}");
            return;
        }

        layer.Set(key, new RawSetting([text], origin));
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
