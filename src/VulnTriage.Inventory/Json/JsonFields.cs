using System.Globalization;
using System.Text.Json;

namespace VulnTriage.Inventory.Json;

/// <summary>Lenient reading of third-party JSON values: strings or numbers as text, Ansible's wrappers unwrapped.</summary>
internal static class JsonFields
{
    /// <summary>Largest text value kept, in characters; longer values are cut (attacker-controlled input).</summary>
    public const int MaxTextChars = 1024;

    /// <summary>The property <paramref name="name"/> of <paramref name="obj"/> as text; <c>null</c> when absent, null, empty or not a scalar.</summary>
    public static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) ? Text(value) : null;

    /// <summary>
    /// A scalar as trimmed text: strings as they are, numbers and booleans as written. Ansible's JSON wrappers are
    /// unwrapped: <c>{"__ansible_unsafe": x}</c> (ansible-inventory --list) and <c>{"__ansible_type": …, "value": x}</c>
    /// (the 2.19 tagged cache format). A vaulted value (<c>__ansible_vault</c>) is encrypted: <c>null</c>.
    /// </summary>
    public static string? Text(JsonElement value)
    {
        value = Unwrap(value);
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
        if (text is null)
        {
            return null;
        }

        text = text.Trim();
        if (text.Length > MaxTextChars)
        {
            text = text[..MaxTextChars] + "…";
        }

        return text.Length == 0 ? null : text;
    }

    /// <summary>Unwraps Ansible's <c>__ansible_unsafe</c> and tagged-value objects; other values come back as they are.</summary>
    public static JsonElement Unwrap(JsonElement value)
    {
        for (var depth = 0; depth < 8 && value.ValueKind == JsonValueKind.Object; depth++)
        {
            if (value.TryGetProperty("__ansible_unsafe", out var inner))
            {
                value = inner;
            }
            else if (value.TryGetProperty("__ansible_type", out _) && value.TryGetProperty("value", out var tagged))
            {
                value = tagged;
            }
            else
            {
                break;
            }
        }

        return value;
    }

    /// <summary>A non-negative integer value (string or number), or <c>null</c>.</summary>
    public static int? Int(JsonElement obj, string name) =>
        Text(obj, name) is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
