using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EdgeRegistry.Mirrors;

/// <summary>
/// YamlDotNet's parser with two checks its representation model lacks. Nesting is bounded: the model loads
/// nested collections recursively, so a file of a hundred thousand <c>[</c> would overflow the stack and end
/// the process with no message (a mirror set nests six levels deep). An alias must follow its anchor: the
/// model resolves aliases after the whole document and reports a missing anchor without any position.
/// <see cref="LastEnd"/> is where the last well-formed event ended, for errors YamlDotNet places at the start
/// of the enclosing collection instead of at the problem.
/// </summary>
internal sealed class CheckedParser(IParser inner, int maxDepth) : IParser
{
    private readonly HashSet<AnchorName> _anchors = [];
    private int _depth;

    public ParsingEvent? Current => inner.Current;

    public Mark LastEnd { get; private set; } = Mark.Empty;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        var current = inner.Current!;
        switch (current)
        {
            case MappingStart or SequenceStart when ++_depth > maxDepth:
                throw new YamlException(current.Start, current.End, $"collections nested more than {maxDepth} levels deep");
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
            case DocumentStart:
                // An anchor is only known in its own document.
                _anchors.Clear();
                break;
            case AnchorAlias alias when !_anchors.Contains(alias.Value):
                throw new YamlException(current.Start, current.End, $"alias *{alias.Value} has no anchor &{alias.Value} before it");
        }

        if (current is NodeEvent { Anchor.IsEmpty: false } node)
        {
            _anchors.Add(node.Anchor);
        }

        LastEnd = current.End;
        return true;
    }
}
