using System.Text;

namespace EdgeRegistry.Upstream.Auth;

/// <summary>A user name and password for an upstream (from the pull secret); never logged.</summary>
public sealed record Credential(string Username, string Password)
{
    public string BasicParameter => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));

    public override string ToString() => $"{Username}:***";
}
