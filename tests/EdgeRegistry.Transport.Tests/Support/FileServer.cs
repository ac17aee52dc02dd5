using System.Net;
using EdgeRegistry.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeRegistry.Transport.Tests.Support;

/// <summary>
/// Kestrel on <see cref="TcpTransportFactory"/> at an ephemeral 127.0.0.1 port, serving the files of one directory
/// (GET /NAME, with an optional single Range) through <see cref="FileBody"/>, and "{}" at GET /.
/// </summary>
internal sealed class FileServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FileServer(WebApplication app, TcpTransportFactory transport, Uri baseAddress)
    {
        _app = app;
        Transport = transport;
        BaseAddress = baseAddress;
    }

    public TcpTransportFactory Transport { get; }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    /// <param name="fileSendFault">Stands in for a file system sendfile refuses (see <see cref="FileSendFault"/>).</param>
    public static async Task<FileServer> StartAsync(string directory, FileSendFault? fileSendFault = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], ApplicationName = "transport-tests" });
        builder.WebHost.UseKestrelCore();
        var transport = new TcpTransportFactory(NullLoggerFactory.Instance, fileSendFault);
        builder.Services.AddSingleton<IConnectionListenerFactory>(transport);
        builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(context => ServeAsync(context, directory));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new FileServer(app, transport, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        // Bounded: a connection the transport left hanging would otherwise hold the test until Kestrel gives up.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private static async Task ServeAsync(HttpContext context, string directory)
    {
        var name = context.Request.Path.Value!.TrimStart('/');
        if (name.Length == 0)
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 2;
            await context.Response.WriteAsync("{}");
            return;
        }

        await using var file = new FileStream(Path.Combine(directory, name), FileMode.Open, FileAccess.Read,
            FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.Asynchronous);
        long offset = 0, count = file.Length;
        if (context.Request.GetTypedHeaders().Range?.Ranges.Single() is { From: long from, To: long to })
        {
            offset = from;
            count = to - from + 1;
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {from}-{to}/{file.Length}";
        }

        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = count;
        await FileBody.WriteAsync(context, file, offset, count);
    }
}
