using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EdgeRegistry.Upstream.Auth;
using Microsoft.Extensions.Logging;

namespace EdgeRegistry.Upstream.Client;

/// <summary>
/// Requests to one upstream registry with its credentials: anonymous first, then — on a 401 — Basic with the pull
/// secret's credential, or the Bearer token flow (<c>WWW-Authenticate: Bearer realm,service,scope</c>; the token is
/// cached until it expires). Every step is bounded in time; a refused credential, a 429 or an unreachable registry
/// is one clear log line (on each change) and a null answer, which the cache turns into a 404 so the client moves on.
/// </summary>
internal sealed partial class UpstreamClient
{
    /// <summary>For manifests, HEADs, tokens and the headers of a blob: a registry that takes longer is as good as down.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly AuthFile _auth;
    private readonly TokenCache _tokens;
    private readonly ILogger _logger;
    /// <summary>Set once the registry asked for Basic: later requests send it at once instead of after a 401.</summary>
    private volatile bool _usesBasic;

    public UpstreamClient(UpstreamRegistry registry, HttpMessageHandler handler, AuthFile auth, TokenCache tokens, UpstreamState state, ILogger logger)
    {
        Registry = registry;
        State = state;
        _http = new HttpClient(handler, disposeHandler: false) { BaseAddress = registry.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("edgereg/0.1");
        _auth = auth;
        _tokens = tokens;
        _logger = logger;
    }

    public UpstreamRegistry Registry { get; }

    public UpstreamState State { get; }

    /// <summary>
    /// Sends a request about <paramref name="repository"/> (headers read, body not yet), authenticating as the registry
    /// asks. Null when there is no usable answer (unreachable, credentials refused, rate-limited): the reason is in
    /// <see cref="State"/> and the log. Throws only when <paramref name="cancellationToken"/> (the client's) is cancelled.
    /// </summary>
    /// <param name="timeout">Per request until the headers arrive; <see cref="RequestTimeout"/> when null.</param>
    public async Task<HttpResponseMessage?> SendAsync(Func<HttpRequestMessage> build, string repository, CancellationToken cancellationToken,
        TimeSpan? timeout = null)
    {
        var limit = timeout ?? RequestTimeout;
        if (!State.MayTry) return null;
        string scope = $"repository:{repository}:pull";
        var credential = Registry.CredentialsKey is { } key ? _auth.FindEntry(key) : _auth.Find(Registry.Host, repository);
        try
        {
            var request = build();
            Authorize(request, scope, credential, challenge: null);
            var response = await SendOnceAsync(request, limit, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                var challenge = AuthChallenge.From(response.Headers.WwwAuthenticate);
                response.Dispose();
                if (!await PrepareAsync(challenge, scope, credential, repository, cancellationToken).ConfigureAwait(false)) return null;
                request = build();
                Authorize(request, scope, credential, challenge);
                response = await SendOnceAsync(request, limit, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    response.Dispose();
                    Refused(repository, credential, "the registry refused the credentials");
                    return null;
                }
            }
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                State.RateLimit(response.Headers.RetryAfter?.Delta);
                LogRateLimited(_logger, Registry.Host, repository);
                response.Dispose();
                return null;
            }
            if ((int)response.StatusCode >= 500)
            {
                Unreachable($"status {(int)response.StatusCode}");
                response.Dispose();
                return null;
            }
            if (State.Answered()) LogReachable(_logger, Registry.Host);
            return response;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or OperationCanceledException or IOException)
        {
            Unreachable(e is OperationCanceledException ? $"no answer within {limit.TotalSeconds:0} s" : Reason(e));
            return null;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, TimeSpan limit, CancellationToken cancellationToken)
    {
        State.CountRequest();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        // Headers only: a blob body is read by its copy, which guards its own stalls.
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
    }

    private void Authorize(HttpRequestMessage request, string scope, Credential? credential, AuthChallenge? challenge)
    {
        if (challenge is { IsBearer: true } && _tokens.Get(TokenCache.Key(challenge, challenge.Scope ?? scope, credential)) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (challenge is null && _lastBearer is { } bearer && _tokens.Get(TokenCache.Key(bearer, scope, credential)) is { } cached)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cached);
        }
        else if ((challenge is { IsBasic: true } || (challenge is null && _usesBasic)) && credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicParameter);
        }
    }

    /// <summary>The registry's last Bearer challenge (realm and service), so a token cached for a scope is sent at once.</summary>
    private volatile AuthChallenge? _lastBearer;

    /// <summary>Gets what the challenge asks for; false (logged) when it cannot be met.</summary>
    private async Task<bool> PrepareAsync(AuthChallenge? challenge, string scope, Credential? credential, string repository, CancellationToken cancellationToken)
    {
        switch (challenge)
        {
            case { IsBasic: true }:
                if (credential is null)
                {
                    Refused(repository, null, "it asks for Basic credentials and the auth file has none for it");
                    return false;
                }
                _usesBasic = true;
                return true;
            case { IsBearer: true, Realm: not null }:
                _lastBearer = challenge with { Scope = null };
                return await FetchTokenAsync(challenge, challenge.Scope ?? scope, credential, repository, cancellationToken).ConfigureAwait(false);
            default:
                Refused(repository, credential, "it answered 401 without a usable WWW-Authenticate challenge");
                return false;
        }
    }

    private async Task<bool> FetchTokenAsync(AuthChallenge challenge, string scope, Credential? credential, string repository, CancellationToken cancellationToken)
    {
        string key = TokenCache.Key(challenge, scope, credential);
        if (_tokens.Get(key) is not null) return true;
        var query = $"?scope={Uri.EscapeDataString(scope)}" + (challenge.Service is { } service ? $"&service={Uri.EscapeDataString(service)}" : "");
        if (!Uri.TryCreate(challenge.Realm + query, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            Refused(repository, credential, $"its token realm \"{challenge.Realm}\" is no http(s) URL");
            return false;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (credential is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.BasicParameter);
        using var response = await SendOnceAsync(request, RequestTimeout, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            Refused(repository, credential, $"its token service {uri.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode}");
            return false;
        }
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (ParseToken(body) is not { } token)
        {
            Refused(repository, credential, $"its token service {uri.GetLeftPart(UriPartial.Path)} sent no token");
            return false;
        }
        _tokens.Set(key, token.Token, token.Lifetime);
        return true;
    }

    /// <summary>The token and its lifetime (60 s when the service does not say, as the distribution spec defines).</summary>
    internal static (string Token, TimeSpan Lifetime)? ParseToken(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            string? token = root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                : root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
            if (string.IsNullOrEmpty(token)) return null;
            int seconds = root.TryGetProperty("expires_in", out var e) && e.TryGetInt32(out int s) && s > 0 ? s : 60;
            return (token, TimeSpan.FromSeconds(Math.Min(seconds, 24 * 3600)));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Unreachable(string reason)
    {
        if (State.Failed(reason)) LogUnreachable(_logger, Registry.Host, reason);
    }

    private void Refused(string repository, Credential? credential, string problem)
    {
        // The registry answered: it is reachable, only the credentials are wrong.
        State.Answered();
        LogRefused(_logger, Registry.Host, repository, credential?.Username ?? "(anonymous)", problem);
    }

    private static string Reason(Exception e) => e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;

    [LoggerMessage(EventId = 5010, Level = LogLevel.Warning, Message = "Upstream {Host} is unreachable: {Reason}; cached content is served, misses answer 404")]
    private static partial void LogUnreachable(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Upstream {Host} is reachable")]
    private static partial void LogReachable(ILogger logger, string host);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Upstream {Host} refused access to {Repository} as {User}: {Problem}; check --upstream-auth-file. Clients get 404")]
    private static partial void LogRefused(ILogger logger, string host, string repository, string user, string problem);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "Upstream {Host} rate-limits us (429) for {Repository}; it is not asked until its Retry-After")]
    private static partial void LogRateLimited(ILogger logger, string host, string repository);
}
