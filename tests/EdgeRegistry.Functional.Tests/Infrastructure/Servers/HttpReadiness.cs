using EdgeRegistry.Functional.Tests.Infrastructure.Processes;

namespace EdgeRegistry.Functional.Tests.Infrastructure.Servers;

/// <summary>Polls GET /v2/ until the server answers (any HTTP status), the process dies, or time runs out.</summary>
internal static class HttpReadiness
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task WaitAsync(Uri baseAddress, BackgroundProcess process, TimeSpan timeout)
    {
        // Any answer means listening, over TLS too: whether the certificate is right is for the test to check.
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            Timeout = TimeSpan.FromSeconds(2),
        };
        var probe = new Uri(baseAddress, "/v2/");
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"`{process.Command}` exited before answering {probe}\n{process.Output}");
            }

            try
            {
                using var response = await client.GetAsync(probe);
                return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but slow to answer; poll again within the deadline.
            }

            await Task.Delay(PollInterval);
        }

        throw new TimeoutException($"`{process.Command}` did not answer {probe} within {timeout}\n{process.Output}");
    }
}
