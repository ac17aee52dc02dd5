using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace EdgeRegistry.Status;

/// <summary>Asks the agent for its status over the status unix socket, within <see cref="Timeout"/>.</summary>
internal static class StatusClient
{
    /// <summary>
    /// Room for the agent's bounded answer (up to 1 s for a first count and 2 s for the store probe); an agent that
    /// needs longer is hung, and that is the answer.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<AgentStatusReading> ReadAsync(string socketPath, CancellationToken cancellationToken)
    {
        using var http = CreateHttpClient(socketPath, Timeout);
        try
        {
            using var response = await http.GetAsync(StatusEndpoint.Path, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new AgentStatusReading(null, $"the agent on {socketPath} answered HTTP {(int)response.StatusCode}");
            }

            var document = await response.Content.ReadFromJsonAsync(StatusJsonContext.Default.AgentStatusDocument, cancellationToken).ConfigureAwait(false);
            return document is null
                ? new AgentStatusReading(null, $"the agent on {socketPath} answered an empty status")
                : new AgentStatusReading(document, null);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException socketError)
        {
            return new AgentStatusReading(null, ConnectProblem(socketPath, socketError));
        }
        catch (HttpRequestException e)
        {
            return new AgentStatusReading(null, $"cannot read status from {socketPath}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AgentStatusReading(null, $"the agent on {socketPath} did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (JsonException e)
        {
            return new AgentStatusReading(null, $"the agent on {socketPath} answered a status this edgereg cannot read: {e.Message}");
        }
    }

    /// <summary>An HTTP client whose every connection goes to the agent's unix socket (status, and `edgereg gc`).</summary>
    public static HttpClient CreateHttpClient(string socketPath, TimeSpan timeout) =>
        // The host name is only what the request's Host header says; the connection always goes to the socket.
        new(UnixSocketHttp.CreateHandler(socketPath), disposeHandler: true) { BaseAddress = new Uri("http://edgereg"), Timeout = timeout };

    internal static string ConnectProblem(string socketPath, SocketException error)
    {
        if (error.SocketErrorCode == SocketError.AccessDenied)
        {
            return $"cannot connect to {socketPath}: permission denied (run as root)";
        }

        if (!Path.Exists(socketPath))
        {
            return $"not running (no status socket at {socketPath})";
        }

        return error.SocketErrorCode == SocketError.ConnectionRefused
            ? $"not running (nothing listens on {socketPath})"
            : $"cannot connect to {socketPath}: {error.Message}";
    }
}
