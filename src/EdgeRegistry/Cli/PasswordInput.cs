namespace EdgeRegistry.Cli;

/// <summary>
/// Gets a new password: from standard input when it is not a terminal (scripts, <c>echo pw | edgereg user
/// add</c>), otherwise by prompting twice without echo. Empty passwords are refused.
/// </summary>
internal static class PasswordInput
{
    /// <summary>The password, or null after writing why there is none.</summary>
    public static string? Read(ProcessContext process)
    {
        string? password;
        if (process.PromptHidden is { } prompt)
        {
            password = prompt("Password: ");
            var repeated = password is null ? null : prompt("Repeat password: ");
            if (password is not null && repeated != password)
            {
                process.Fail("passwords do not match");
                return null;
            }
        }
        else
        {
            password = StripOneLineEnd(process.Input.ReadToEnd());
            if (password.Contains('\n') || password.Contains('\r'))
            {
                process.Fail("password must be a single line");
                return null;
            }
        }

        if (string.IsNullOrEmpty(password))
        {
            process.Fail("empty password refused");
            return null;
        }

        return password;
    }

    /// <summary><c>echo</c> and here-strings add one line end; it is not part of the password.</summary>
    private static string StripOneLineEnd(string text) =>
        text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2]
        : text.EndsWith('\n') ? text[..^1]
        : text;
}
