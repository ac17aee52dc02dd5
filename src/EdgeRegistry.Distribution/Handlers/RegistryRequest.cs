using EdgeRegistry.Storage.Naming;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Handlers;

/// <summary>A routed request: the context, the validated repository and the path's trailing reference.</summary>
internal readonly record struct RegistryRequest(HttpContext Context, RepositoryName Repository, string Reference)
{
    public HttpRequest Request => Context.Request;

    public HttpResponse Response => Context.Response;

    public CancellationToken Aborted => Context.RequestAborted;

    public bool IsHead => HttpMethods.IsHead(Context.Request.Method);
}
