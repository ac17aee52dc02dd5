using System.Text;

namespace EdgeRegistry.Deployment.Tests.Infrastructure;

/// <summary>
/// Decodes the two data URL forms Butane writes into MachineConfigs: <c>data:,</c> with percent-encoding and
/// <c>data:;base64,</c>. Anything else (a media type, gzip compression) is rejected so a test cannot pass by
/// misreading contents.
/// </summary>
internal static class DataUrl
{
    private const string PercentPrefix = "data:,";
    private const string Base64Prefix = "data:;base64,";

    public static string Decode(string url)
    {
        if (url.StartsWith(Base64Prefix, StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(url[Base64Prefix.Length..]));
        }

        if (url.StartsWith(PercentPrefix, StringComparison.Ordinal))
        {
            return DecodePercent(url[PercentPrefix.Length..]);
        }

        throw new FormatException($"not a data URL this test understands: {url[..Math.Min(url.Length, 40)]}");
    }

    // Uri.UnescapeDataString would leave malformed escapes in place; a strict decoder makes them a failure.
    private static string DecodePercent(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '%')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
                continue;
            }

            if (i + 2 >= text.Length)
            {
                throw new FormatException($"truncated percent escape at offset {i}");
            }

            bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
            i += 2;
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
    }
}
