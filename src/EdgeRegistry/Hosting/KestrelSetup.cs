using EdgeRegistry.Configuration;
using EdgeRegistry.Distribution.Rejections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace EdgeRegistry.Hosting;

/// <summary>Kestrel's listeners, TLS and limits for `edgereg serve`.</summary>
internal static partial class KestrelSetup
{
    /// <summary>Time a client gets to send its request headers (and, on plain HTTP, its first byte).</summary>
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(30);

    /// <summary>CRI-O pulls layers in bursts; keeping idle connections two minutes saves handshakes between them.</summary>
    private static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromMinutes(2);

    /// <param name="certificate">The reloading serving certificate when TLS is on; null for plain HTTP.</param>
    public static void Configure(KestrelServerOptions options, ServeSettings settings, ServingCertificate? certificate, ILoggerFactory loggerFactory)
    {
        options.AddServerHeader = false;
        options.Limits.RequestHeadersTimeout = RequestHeadersTimeout;
        options.Limits.KeepAliveTimeout = KeepAliveTimeout;
        // MaxRequestBodySize stays at Kestrel's default; the API lifts it on the blob upload routes only.

        var rejectorLogger = loggerFactory.CreateLogger<TlsHandshakeRejector>();
        foreach (var endpoint in settings.Listen)
        {
            void ConfigureListener(ListenOptions listen)
            {
                if (certificate is not null)
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    // Asked at every handshake, so a certificate renewed on disk reaches new connections.
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => certificate.Current });
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
                options.Listen(BindableAddress(endpoint, loggerFactory), endpoint.Port, ConfigureListener);
            }
        }
    }

    /// <summary>
    /// [::] is bound dual-stack (TcpConnectionListener), which also serves IPv4 when IPv6 is only switched off by
    /// sysctl (net.ipv6.conf.all.disable_ipv6=1). A kernel booted with ipv6.disable=1 has no IPv6 sockets at all:
    /// there [::] becomes 0.0.0.0, so the default listen address works on every node.
    /// </summary>
    private static System.Net.IPAddress BindableAddress(ListenEndpoint endpoint, ILoggerFactory loggerFactory)
    {
        if (!endpoint.Address.Equals(System.Net.IPAddress.IPv6Any) || System.Net.Sockets.Socket.OSSupportsIPv6) return endpoint.Address;
        LogNoIPv6(loggerFactory.CreateLogger(typeof(KestrelSetup)), endpoint.Port);
        return System.Net.IPAddress.Any;
    }

    [LoggerMessage(EventId = 7, Level = LogLevel.Information,
        Message = "This kernel has no IPv6: listening on 0.0.0.0:{Port} (IPv4) instead of [::]:{Port}")]
    private static partial void LogNoIPv6(ILogger logger, int port);
}
