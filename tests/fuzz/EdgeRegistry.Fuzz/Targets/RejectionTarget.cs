using EdgeRegistry.Distribution.Rejections;

namespace EdgeRegistry.Fuzz.Targets;

/// <summary>The rewriter of Kestrel's rejection heads: anything it rewrites must come out a complete, sized response.</summary>
internal sealed class RejectionTarget : IFuzzTarget
{
    public string Name => "rejection";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (!KestrelRejection.TryRewrite(input, out byte[] response)) return;
        string text = System.Text.Encoding.Latin1.GetString(response);
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        FuzzFinding.Check(end > 0, "a rewritten response without a head");
        string lengthLine = text[..end].Split("\r\n").Single(l => l.StartsWith("Content-Length: ", StringComparison.Ordinal));
        FuzzFinding.Check(int.Parse(lengthLine["Content-Length: ".Length..]) == response.Length - end - 4, "a Content-Length that is not the body's");
    }
}
