using System.Globalization;
using System.Net;
using EdgeRegistry.Import.Publishing;
using EdgeRegistry.Status;
using EdgeRegistry.Storage;
using EdgeRegistry.Storage.Digests;
using EdgeRegistry.Storage.Naming;

namespace EdgeRegistry.Import;

/// <summary>
/// The running agent as the import's target, over its root-only status socket (<see cref="ImportRoutes"/>). The
/// agent writes through its own store, so its caches, inventory and peers learn of every change as of a push; writing
/// the store's files from this process instead would leave the agent's inventory (and so the peers) unaware.
/// </summary>
internal sealed class AgentImportTarget : IImportTarget, IDisposable
{
    private readonly HttpClient _http;
    private readonly string _socket;

    private AgentImportTarget(string socket)
    {
        _socket = socket;
        // No overall timeout: a blob of many gigabytes streams for minutes. A dead agent fails the connection instead.
        _http = StatusClient.CreateHttpClient(socket, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The agent when one answers imports on <paramref name="socket"/>; null when none runs there (no socket,
    /// nothing listening). An agent that answers but refuses imports is an error, not "stopped": writing its store
    /// behind its back is what this target exists to avoid.
    /// </summary>
    public static async Task<AgentImportTarget?> ConnectAsync(string socket, CancellationToken cancellationToken)
    {
        if (!Path.Exists(socket)) return null;
        var target = new AgentImportTarget(socket);
        try
        {
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            probe.CancelAfter(StatusClient.Timeout);
            using var response = await target._http.GetAsync($"{ImportRoutes.Space}?bytes=0", probe.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return target;
            target.Dispose();
            throw new StoreException(StoreError.IoFailure,
                $"the agent on {socket} answered HTTP {(int)response.StatusCode} to an import (an edgereg without `import` support?); stop it or upgrade it first");
        }
        catch (HttpRequestException e) when (e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.AddressNotAvailable })
        {
            target.Dispose();
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            target.Dispose();
            throw new StoreException(StoreError.IoFailure, $"the agent on {socket} did not answer within {StatusClient.Timeout.TotalSeconds:0} s");
        }
    }

    public string Socket => _socket;

    public async Task<long?> BlobLengthAsync(Digest digest, CancellationToken cancellationToken) =>
        await GetTextAsync($"{ImportRoutes.BlobLength}?digest={digest}", cancellationToken).ConfigureAwait(false) is { } text
            ? long.Parse(text, CultureInfo.InvariantCulture) : null;

    public async Task CommitBlobAsync(Digest digest, long size, Stream body, CancellationToken cancellationToken)
    {
        using var content = new StreamContent(body, 1 << 20);
        content.Headers.ContentLength = size;
        using var response = await SendAsync(HttpMethod.Put, $"{ImportRoutes.Blob}?digest={digest}&size={size}", content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]?> ReadBlobAsync(Digest digest, int maxBytes, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{ImportRoutes.Blob}?digest={digest}&max={maxBytes}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> HasManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{ImportRoutes.Manifest}?repository={Uri.EscapeDataString(repository.Value)}&digest={digest}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task ImportManifestAsync(RepositoryName repository, Digest digest, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var body = new ReadOnlyMemoryContent(content);
        using var response = await SendAsync(HttpMethod.Put, $"{ImportRoutes.Manifest}?repository={Uri.EscapeDataString(repository.Value)}&digest={digest}", body, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Digest?> TagTargetAsync(RepositoryName repository, string tag, CancellationToken cancellationToken) =>
        await GetTextAsync($"{ImportRoutes.Tag}?repository={Uri.EscapeDataString(repository.Value)}&tag={Uri.EscapeDataString(tag)}", cancellationToken).ConfigureAwait(false) is { } text
            && Digest.TryParse(text, out var digest) ? digest : null;

    public async Task SetTagAsync(RepositoryName repository, string tag, Digest digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put,
            $"{ImportRoutes.Tag}?repository={Uri.EscapeDataString(repository.Value)}&tag={Uri.EscapeDataString(tag)}&digest={digest}", null, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long?> FetchBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Put, $"{ImportRoutes.Fetch}?repository={Uri.EscapeDataString(repository.Value)}&digest={digest}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return long.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async Task<bool> CanFetchBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{ImportRoutes.Fetch}?repository={Uri.EscapeDataString(repository.Value)}&digest={digest}", null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<string?> SpaceRefusalAsync(long bytes, string what, CancellationToken cancellationToken) =>
        await GetTextAsync($"{ImportRoutes.Space}?bytes={bytes}&what={Uri.EscapeDataString(what)}", cancellationToken).ConfigureAwait(false) is { Length: > 0 } refusal
            ? refusal : null;

    private async Task<string?> GetTextAsync(string uri, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, uri, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            // The medium's read errors surface here too (the request body is the medium): keep them I/O errors.
            if (FindIo(e) is { } io) throw io;
            throw new StoreException(StoreError.IoFailure, $"the agent on {_socket} went away during the import: {e.Message}", e);
        }
    }

    private static IOException? FindIo(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is IOException io && inner.InnerException is not System.Net.Sockets.SocketException) return io;
        }

        return null;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        string message = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var error = response.Headers.TryGetValues(ImportRoutes.ErrorHeader, out var values) && Enum.TryParse<StoreError>(values.FirstOrDefault(), out var parsed)
            ? parsed : StoreError.IoFailure;
        throw new StoreException(error, message.Length > 0 ? message : $"the agent answered HTTP {(int)response.StatusCode}");
    }

    public void Dispose() => _http.Dispose();
}
