namespace EdgeRegistry.Systemd.DBus;

/// <summary>What a method handler answers to an incoming call: a return with a body, or an error.</summary>
internal sealed class DBusMethodResult
{
    private DBusMethodResult(string signature, object[] values, string? errorName, string? errorMessage)
    {
        Signature = signature;
        Values = values;
        ErrorName = errorName;
        ErrorMessage = errorMessage;
    }

    public string Signature { get; }

    public object[] Values { get; }

    public string? ErrorName { get; }

    public string? ErrorMessage { get; }

    public static DBusMethodResult Return(string signature, params object[] values) => new(signature, values, null, null);

    public static DBusMethodResult Error(string errorName, string message) => new("s", [message], errorName, message);
}
