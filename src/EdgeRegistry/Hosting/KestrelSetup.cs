using EdgeRegistry.Configuration;
using EdgeRegistry.Distribution.Rejections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeRegistry.Hosting;

/// <summary>Kestrel's listeners, TLS and limits for `edgereg serve`.</summary>
internal static class KestrelSetup
{
    /// <summary>Time a client gets to send its request headers (and, on plain HTTP, its first byte).</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(30);

    /// <summary>CRI-O pulls layers in bursts; keeping idle connections two minutes saves handshakes between them.</summary>
    private static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromMinutes(2);

    public static void Configure(KestrelServerOptions options, ServeSettings settings, ILoggerFactory loggerFactory)
    {
        options.AddServerHeader = false;
        options.Limits.RequestHeadersTimeout = RequestHeadersTimeout;
        options.Limits.KeepAliveTimeout = KeepAliveTimeout;
        // MaxRequestBodySize stays at Kestrel's default; the API lifts it on the blob upload routes only.

        var certificate = settings.UsesTls ? TlsCertificateLoader.Load(settings.TlsCertificateFile!, settings.TlsKeyFile!) : null;
        var rejectorLogger = loggerFactory.CreateLogger<TlsHandshakeRejector>();
        foreach (var endpoint in settings.Listen)
        {
            void ConfigureListener(ListenOptions listen)
            {
                if (certificate is not null)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(certificate);
                }
                else
                {
                    // Registry clients speak HTTP/1.1 on plain connections; no h2c prior-knowledge sniffing.
                    listen.Protocols = HttpProtocols.Http1;
                    listen.Use(next => new TlsHandshakeRejector(next, rejectorLogger, RequestHeadersTimeout).OnConnectionAsync);
                }
                // Inside TLS: requests Kestrel rejects itself get the OCI error body too.
                listen.Use(RejectionBodies.Wrap);
            }

            if (endpoint.IsLocalhost)
            {
                options.ListenLocalhost(endpoint.Port, ConfigureListener);
            }
            else
            {
                options.Listen(endpoint.Address, endpoint.Port, ConfigureListener);
            }
        }
    }
}
