using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Servers;

/// <summary>
/// A small token service for Distribution's <c>auth: token</c>: a Kestrel app on loopback that checks Basic
/// credentials and answers <c>{"token": JWT, "expires_in": N}</c>, the JWT signed RS256 with a key whose
/// self-signed certificate Distribution trusts (its <c>rootcertbundle</c>) and carries in the <c>x5c</c> header.
/// Every scope asked for is granted to the one user; anyone else gets 401. Counts the tokens it issued.
/// </summary>
internal sealed class TokenIssuer : IAsyncDisposable
{
    public const string Service = "edgereg-test-registry";
    public const string Issuer = "edgereg-test-issuer";

    private readonly WebApplication _app;
    private int _issued;

    private TokenIssuer(WebApplication app, int port, string certificateFile)
    {
        _app = app;
        Port = port;
        CertificateFile = certificateFile;
    }

    public int Port { get; }

    public string Realm => $"http://127.0.0.1:{Port}/token";

    /// <summary>The PEM certificate of the signing key: Distribution's rootcertbundle.</summary>
    public string CertificateFile { get; }

    public int Issued => Volatile.Read(ref _issued);

    public static async Task<TokenIssuer> StartAsync(string directory, string user, string password)
    {
        Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=edgereg test token signer", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));
        var certificateFile = Path.Combine(directory, "token-signer.pem");
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        var signer = RSA.Create();
        signer.ImportParameters(key.ExportParameters(includePrivateParameters: true));
        string x5c = Convert.ToBase64String(certificate.RawData);
        string expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

        int port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        TokenIssuer? issuer = null;
        app.MapGet("/token", (HttpContext context) =>
        {
            if (context.Request.Headers.Authorization.ToString() != expectedAuth) return Results.Unauthorized();
            var scopes = context.Request.Query["scope"].Where(static s => s is not null).SelectMany(static s => s!.Split(' ')).ToList();
            var token = Sign(signer, x5c, user, context.Request.Query["service"].ToString(), scopes);
            Interlocked.Increment(ref issuer!._issued);
            return Results.Text(JsonSerializer.Serialize(new Dictionary<string, object> { ["token"] = token, ["expires_in"] = 300 }), "application/json");
        });
        issuer = new TokenIssuer(app, port, certificateFile);
        await app.StartAsync();
        return issuer;
    }

    private static string Sign(RSA key, string x5c, string subject, string audience, List<string> scopes)
    {
        var access = scopes.Select(static scope => scope.Split(':')).Where(static parts => parts.Length == 3)
            .Select(static parts => new Dictionary<string, object> { ["type"] = parts[0], ["name"] = parts[1], ["actions"] = parts[2].Split(',') })
            .ToList();
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new Dictionary<string, object> { ["alg"] = "RS256", ["typ"] = "JWT", ["x5c"] = new[] { x5c } };
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["sub"] = subject, ["aud"] = audience, ["exp"] = now + 300, ["nbf"] = now - 10, ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"), ["access"] = access,
        };
        string signingInput = $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
