using System.Text;

namespace EdgeRegistry.Cli;

/// <summary>Reads a line from the terminal without echoing it (for passwords).</summary>
internal static class HiddenConsolePrompt
{
    /// <summary>The typed line, or null when input ended (Ctrl-D) before Enter.</summary>
    public static string? ReadLine(string prompt)
    {
        // The prompt goes to standard error so standard output stays clean for scripts.
        Console.Error.Write(prompt);
        var line = new StringBuilder();
        try
        {
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        return line.ToString();
                    case ConsoleKey.Backspace:
                        if (line.Length > 0)
                        {
                            line.Length--;
                        }

                        break;
                    case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && line.Length == 0:
                        return null;
                    default:
                        if (!char.IsControl(key.KeyChar))
                        {
                            line.Append(key.KeyChar);
                        }

                        break;
                }
            }
        }
        finally
        {
            Console.Error.WriteLine();
        }
    }
}
