using System.Text.Json;

namespace VulnTriage.Inventory.Json;

/// <summary>
/// Reader states for resuming after a value the structure scan passed over. A <see cref="Utf8JsonReader"/> can only
/// continue from a state it produced itself, so the state is taken from a tiny template with the same nesting (e.g.
/// <c>[{}</c>: inside the top-level array, just after an element). Such a state counts lines and positions from the
/// template's end: callers translate reader positions back through the frame they started it at.
/// </summary>
internal static class JsonTemplates
{
    /// <summary>The state after reading every token of <paramref name="template"/> with <paramref name="options"/>.</summary>
    public static JsonReaderState StateAfter(ReadOnlySpan<byte> template, JsonReaderOptions options)
    {
        var reader = new Utf8JsonReader(template, isFinalBlock: false, new JsonReaderState(options));
        while (reader.Read())
        {
        }

        if (reader.BytesConsumed != template.Length)
        {
            throw new InvalidOperationException("a reader template was not consumed whole");
        }

        return reader.CurrentState;
    }
}
