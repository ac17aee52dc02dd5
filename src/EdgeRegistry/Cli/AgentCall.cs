using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeRegistry.Status;

namespace EdgeRegistry.Cli;

/// <summary>
/// One request of a command (`gc`, `scrub`) to the running agent over its status socket, its JSON answer read back.
/// "No agent runs there" (no socket file, or a stale one nothing listens on) is an answer of its own, since what it
/// means is the command's to decide: `gc` then collects the store itself, `scrub` cannot run.
/// </summary>
internal static class AgentCall
{
    /// <param name="action">What the agent is asked to do, for the problem's sentence: "collect", "report its scrub".</param>
    public static async Task<AgentAnswer<T>> SendAsync<T>(string socket, HttpMethod method, string path, JsonTypeInfo<T> answer,
        TimeSpan timeout, string action, CancellationToken cancellationToken) where T : class
    {
        if (!Path.Exists(socket)) return AgentAnswer<T>.NoAgent;
        using var http = StatusClient.CreateHttpClient(socket, timeout);
        string failed = $"the agent on {socket} could not {action}";
        try
        {
            using var request = new HttpRequestMessage(method, path);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                string body = (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Trim();
                string hint = response.StatusCode == HttpStatusCode.NotFound ? " (an edgereg without this command?)" : "";
                return AgentAnswer<T>.Failed($"{failed}: HTTP {(int)response.StatusCode}{hint}{(body.Length > 0 ? " " + body : "")}");
            }

            return await response.Content.ReadFromJsonAsync(answer, cancellationToken).ConfigureAwait(false) is { } report
                ? new AgentAnswer<T>(report, null)
                : AgentAnswer<T>.Failed($"{failed}: it answered an empty report");
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return AgentAnswer<T>.NoAgent; // a stale socket file: the agent is stopped
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException error)
        {
            return AgentAnswer<T>.Failed(StatusClient.ConnectProblem(socket, error));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
        {
            return AgentAnswer<T>.Failed($"{failed}: {e.Message}");
        }
    }
}

/// <summary>The agent's report; or, when <see cref="Report"/> is null, the problem, or neither when no agent runs.</summary>
internal sealed record AgentAnswer<T>(T? Report, string? Problem) where T : class
{
    public static readonly AgentAnswer<T> NoAgent = new(null, null);

    public static AgentAnswer<T> Failed(string problem) => new(null, problem);
}
