using EdgeRegistry.Distribution.Errors;
using EdgeRegistry.Distribution.Http;
using EdgeRegistry.Distribution.Json;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Manifests;
using Microsoft.AspNetCore.Http;

namespace EdgeRegistry.Distribution.Handlers;

/// <summary>The read-only listings: tags, the catalog and referrers.</summary>
internal sealed class ListingHandler(IRegistryStore store)
{
    public Task TagsAsync(RegistryRequest request)
    {
        var tags = store.ListTags(request.Repository);
        if (tags is null) return ErrorWriter.WriteAsync(request.Context, ApiErrors.NameUnknown(request.Repository.Value));
        string path = $"/v2/{request.Repository.Value}/tags/list";
        if (!Page.TryTake(request.Request, tags, path, out var page, out var error))
            return ErrorWriter.WriteAsync(request.Context, error);
        return JsonResponse.WriteAsync(request.Context, new TagListBody(request.Repository.Value, page),
            DistributionJsonContext.Default.TagListBody);
    }

    public Task CatalogAsync(HttpContext context)
    {
        var repositories = store.ListRepositories();
        if (!Page.TryTake(context.Request, repositories, "/v2/_catalog", out var page, out var error))
            return ErrorWriter.WriteAsync(context, error);
        return JsonResponse.WriteAsync(context, new CatalogBody(page), DistributionJsonContext.Default.CatalogBody);
    }

    public Task ReferrersAsync(RegistryRequest request)
    {
        if (!Digest.TryParse(request.Reference, out var subject))
            return ErrorWriter.WriteAsync(request.Context, ApiErrors.DigestInvalid(request.Reference));
        string? artifactType = request.Request.Query["artifactType"];
        if (string.IsNullOrEmpty(artifactType)) artifactType = null;

        var referrers = store.GetReferrers(request.Repository, subject, artifactType);
        var entries = new List<ReferrerEntry>(referrers.Count);
        foreach (var r in referrers)
        {
            // The store filters too; checking here keeps the header's promise whatever the store does.
            if (artifactType is not null && !string.Equals(r.ArtifactType, artifactType, StringComparison.Ordinal)) continue;
            entries.Add(new ReferrerEntry(r.MediaType, r.Digest.ToString(), r.Size, r.ArtifactType,
                r.Annotations is { Count: > 0 } ? r.Annotations : null));
        }
        if (artifactType is not null) request.Response.Headers[RegistryHeaders.OciFiltersApplied] = "artifactType";
        return JsonResponse.WriteAsync(request.Context,
            new ReferrersIndexBody(2, ManifestMediaTypes.OciIndex, entries),
            DistributionJsonContext.Default.ReferrersIndexBody, ManifestMediaTypes.OciIndex);
    }
}
