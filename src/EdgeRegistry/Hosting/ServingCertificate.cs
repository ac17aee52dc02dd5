using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeRegistry.Hosting;

/// <summary>
/// The TLS certificate Kestrel hands to each new connection, reloaded when its files change on disk. Renewal
/// replaces the PEM files (a MachineConfig, cert-manager or an operator renaming new files into place); the
/// registry must serve the new pair without a restart, which would cut every pull on the node. The files are
/// compared by content, not by time stamp: an atomic rename may carry an old mtime, and a Kubernetes-style
/// symlink swap changes no time stamp of the path at all.
/// </summary>
internal sealed partial class ServingCertificate
{
    private readonly string _certificateFile;
    private readonly string _keyFile;
    private readonly ILogger _logger;
    private X509Certificate2 _current;
    private string _loadedPair;

    /// <summary>A pair that failed once: logged only when it fails again on the next look (see <see cref="Refresh"/>).</summary>
    private string? _failedPair;
    private string? _reportedPair;

    public ServingCertificate(string certificateFile, string keyFile, ILogger logger)
    {
        _certificateFile = certificateFile;
        _keyFile = keyFile;
        _logger = logger;
        // The settings already checked this pair (ServeSettingsResolver), so a failure here is a real start-up error.
        var pair = ReadPair() ?? throw new IOException($"cannot read {certificateFile} or {keyFile}");
        _current = Load(pair);
        _loadedPair = pair;
    }

    /// <summary>What a handshake starting now is served; never null, never a broken pair.</summary>
    public X509Certificate2 Current => Volatile.Read(ref _current);

    /// <summary>
    /// Reloads the pair when either file's content changed. A pair that does not load keeps the certificate
    /// being served. Renewal usually renames two files one after the other, so a new certificate seen with the
    /// old key is only reported when it still fails on the following look: one sentence per broken pair.
    /// </summary>
    /// <returns>True when a new certificate is now being served.</returns>
    public bool Refresh()
    {
        var pair = ReadPair();
        if (pair is null || pair == _loadedPair)
        {
            // Unreadable (mid-rename, or removed): keep serving; a pair that stays missing is reported below.
            if (pair is null) ReportMissing();
            return false;
        }

        try
        {
            // From the bytes compared, not the files again: they may have changed once more in between.
            var loaded = Load(pair);
            Volatile.Write(ref _current, loaded);
            _loadedPair = pair;
            _failedPair = _reportedPair = null;
            LogReloaded(_logger, _certificateFile, loaded.Subject, loaded.NotAfter);
            if (loaded.NotAfter < DateTime.Now) LogReloadedExpired(_logger, _certificateFile, loaded.NotAfter);
            // The previous certificate is not disposed: handshakes that picked it a moment ago may still use it.
            return true;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            if (_failedPair == pair && _reportedPair != pair)
            {
                LogReloadFailed(_logger, _certificateFile, _keyFile, e.Message.ReplaceLineEndings(" ").Trim(), Current.NotAfter);
                _reportedPair = pair;
            }
            _failedPair = pair;
            return false;
        }
    }

    private void ReportMissing()
    {
        const string missing = "missing";
        if (_failedPair == missing && _reportedPair != missing)
        {
            LogReloadFailed(_logger, _certificateFile, _keyFile, "a file is missing or unreadable", Current.NotAfter);
            _reportedPair = missing;
        }
        _failedPair = missing;
    }

    private static X509Certificate2 Load(string pair)
    {
        int separator = pair.IndexOf('\0', StringComparison.Ordinal);
        return X509Certificate2.CreateFromPem(pair.AsSpan(0, separator), pair.AsSpan(separator + 1));
    }

    /// <summary>Both files' contents as one string, NUL between (PEM never holds one) (they are a few KiB); null when either cannot be read.</summary>
    private string? ReadPair()
    {
        try
        {
            return File.ReadAllText(_certificateFile) + "\0" + File.ReadAllText(_keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Information,
        Message = "TLS certificate {CertificateFile} changed on disk: new connections are served {Subject}, valid until {NotAfter}")]
    private static partial void LogReloaded(ILogger logger, string certificateFile, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "The new TLS certificate {CertificateFile} expired on {NotAfter}; clients will refuse it")]
    private static partial void LogReloadedExpired(ILogger logger, string certificateFile, DateTime notAfter);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning,
        Message = "The TLS certificate {CertificateFile} and key {KeyFile} on disk cannot be loaded ({Problem}); still serving the previous certificate, valid until {NotAfter}")]
    private static partial void LogReloadFailed(ILogger logger, string certificateFile, string keyFile, string problem, DateTime notAfter);
}
