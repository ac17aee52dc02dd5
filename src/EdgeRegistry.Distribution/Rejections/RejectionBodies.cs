using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using EdgeRegistry.Transport;
using Microsoft.AspNetCore.Connections;

namespace EdgeRegistry.Distribution.Rejections;

/// <summary>
/// Gives the requests Kestrel rejects on its own (before any middleware runs) the spec's JSON error body, as
/// every other error has: a connection middleware wraps the output, and the first HTTP middleware tells it when a
/// request is in the application.
/// </summary>
public static class RejectionBodies
{
    /// <summary>Connection middleware; add it to each listener after TLS, so it sees HTTP, not records.</summary>
    public static ConnectionDelegate Wrap(ConnectionDelegate next) => connection =>
    {
        var activity = new RequestActivity();
        connection.Features.Set(activity);
        var transport = connection.Transport;
        connection.Transport = new Duplex(transport, new RejectionBodyWriter(transport.Output, activity));
        return next(connection);
    };

    /// <summary>The HTTP side; must be the first middleware, so every request the application handles is counted.</summary>
    public static IApplicationBuilder UseRejectionBodies(this IApplicationBuilder app) =>
        app.Use(next => async context =>
        {
            var activity = context.Features.Get<RequestActivity>();
            activity?.Enter();
            try
            {
                await next(context);
            }
            finally
            {
                activity?.Exit();
            }
        });

    /// <summary>Forwarding: the rewriter touches nothing while a response is written, so file sends stay possible.</summary>
    private sealed class Duplex(IDuplexPipe inner, PipeWriter output) : IForwardingDuplexPipe
    {
        public IDuplexPipe Inner { get; } = inner;

        public PipeReader Input { get; } = inner.Input;

        public PipeWriter Output { get; } = output;
    }
}
