using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;
using EdgeRegistry.Distribution.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Distribution.Access;

/// <summary>
/// Decides who may write (push, upload, delete). Reads are always anonymous. A write needs valid HTTP Basic
/// credentials, or comes from a loopback address while anonymous loopback writes are enabled. Credentials
/// that are sent but wrong are refused even from loopback, so a misconfigured client learns of it.
/// </summary>
internal sealed class WriteAccess
{
    private readonly CredentialStore? _credentials;
    private readonly bool _anonymousFromLoopback;
    private readonly ILogger _logger;

    public WriteAccess(DistributionOptions options, CredentialStore? credentials, ILogger logger)
    {
        _credentials = credentials;
        _anonymousFromLoopback = options.AnonymousWritesFromLoopback;
        _logger = logger;
    }

    public enum Decision { Allowed, NoCredentials, BadCredentials }

    public Decision Check(HttpContext context)
    {
        string? authorization = context.Request.Headers.Authorization;
        if (!string.IsNullOrEmpty(authorization))
        {
            if (TryParseBasic(authorization, out string? user, out string? password)
                && _credentials is not null && _credentials.Verify(user, password))
            {
                return Decision.Allowed;
            }
            if (IsAnonymousAllowed(context) && IsEmptyBasic(authorization)) return Decision.Allowed;
            DistributionLog.WriteDenied(_logger, user ?? "", context.Connection.RemoteIpAddress?.ToString() ?? "");
            return Decision.BadCredentials;
        }
        return IsAnonymousAllowed(context) ? Decision.Allowed : Decision.NoCredentials;
    }

    /// <summary>True when this connection may write without credentials.</summary>
    public bool IsAnonymousAllowed(HttpContext context) =>
        _anonymousFromLoopback && context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);

    /// <summary>
    /// Whether anyone can authenticate at all: a credentials file is configured and defines a user. The
    /// default file path is always configured, so without this check a node with no users yet would answer
    /// every anonymous <c>/v2/</c> probe (health checks, CRI-O's ping) with 401 for nothing.
    /// </summary>
    public bool HasCredentials => _credentials is { HasUsers: true };

    private static bool TryParseBasic(string header, [NotNullWhen(true)] out string? user, [NotNullWhen(true)] out string? password)
    {
        user = null;
        password = null;
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            int colon = decoded.IndexOf(':');
            if (colon <= 0) return false;
            user = decoded[..colon];
            password = decoded[(colon + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>containers/image sends "Basic Og==" (":" encoded) when it has no credentials: treat as none.</summary>
    private static bool IsEmptyBasic(string header) =>
        header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && header[6..].Trim() == "Og==";
}
