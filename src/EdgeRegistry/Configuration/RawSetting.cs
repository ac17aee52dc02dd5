namespace EdgeRegistry.Configuration;

/// <summary>
/// A setting's value as text, before it is parsed, with where it came from (<c>--listen</c>,
/// <c>EDGEREG_LISTEN</c>, <c>/etc/edgereg/config.json: listen</c>) so a problem can name its source.
/// </summary>
internal sealed record RawSetting(IReadOnlyList<string> Values, string Origin)
{
    public string Value => Values[^1];

    /// <summary>The one-line message for a bad value: <c>--listen "foo": expected HOST:PORT</c>.</summary>
    public string Problem(string value, string problem) => $"{Origin} \"{value}\": {problem}";

    public string Problem(string problem) => Problem(Value, problem);
}
