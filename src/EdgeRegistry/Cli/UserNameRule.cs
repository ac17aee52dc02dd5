namespace EdgeRegistry.Cli;

/// <summary>
/// Which user names the credentials file accepts. HTTP Basic splits user from password at the first ':'
/// and the file is line- and colon-separated, so names stay to a plain, printable set.
/// </summary>
internal static class UserNameRule
{
    public const int MaxLength = 128;

    /// <summary>Null when the name is acceptable; otherwise what is wrong with it.</summary>
    public static string? Check(string name)
    {
        if (name.Length == 0)
        {
            return "must not be empty";
        }

        if (name.Length > MaxLength)
        {
            return $"longer than {MaxLength} characters";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@'))
            {
                return $"'{c}' is not allowed; use letters, digits, '.', '_', '-' and '@'";
            }
        }

        return null;
    }
}
