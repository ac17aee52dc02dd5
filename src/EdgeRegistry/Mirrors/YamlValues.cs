using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EdgeRegistry.Mirrors;

/// <summary>Reading Kubernetes objects out of YamlDotNet's representation model: keys by name, and YAML's nulls.</summary>
internal static class YamlValues
{
    /// <summary>
    /// The value under a plain-text key, or null when there is none. The mapping's own lookup compares tags as
    /// well as text and throws when the key is absent; objects written by oc and kubectl only ever use text keys.
    /// </summary>
    public static YamlNode? Get(this YamlMappingNode mapping, string key)
    {
        foreach (var (name, value) in mapping.Children)
        {
            if (name is YamlScalarNode { Value: { } text } && text == key)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// An empty value, <c>~</c> or <c>null</c> written plain (YAML 1.2's core schema): <c>mirrors:</c> with nothing
    /// after it is null, while <c>''</c> or <c>'null'</c> is text.
    /// </summary>
    public static bool IsNull(this YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
}
