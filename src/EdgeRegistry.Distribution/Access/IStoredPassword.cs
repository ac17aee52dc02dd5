namespace EdgeRegistry.Distribution.Access;

/// <summary>A password as the credentials file keeps it: only ever a hash, checked against a candidate.</summary>
internal interface IStoredPassword
{
    /// <summary>The scheme's name as `edgereg user list` shows it: <c>pbkdf2-sha256</c> or <c>bcrypt</c>.</summary>
    string SchemeName { get; }

    bool Verify(string password);
}
