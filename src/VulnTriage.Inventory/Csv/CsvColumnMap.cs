using System.Collections.Immutable;

namespace VulnTriage.Inventory.Csv;

/// <summary>
/// Which CSV column holds which host field (<c>--map name=hostname,cpu=cpu_model,label.team=owner</c>). A field not mapped
/// is read from the column of the same name, or of one of its usual aliases (<see cref="Aliases"/>); headers compare
/// case-insensitively. Columns named <c>label.KEY</c> become labels without a mapping.
/// </summary>
public sealed class CsvColumnMap
{
    /// <summary>The host fields a CSV can give, with the header names read when the field is not mapped.</summary>
    public static ImmutableDictionary<string, ImmutableArray<string>> Aliases { get; } = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal)
    {
        ["name"] = ["name", "hostname", "host", "host_name"],
        ["id"] = ["id"],
        ["display_name"] = ["display_name"],
        ["cpu"] = ["cpu", "cpu_brand", "cpu_model", "model_name", "processor"],
        ["vendor"] = ["vendor_id", "cpu_vendor"],
        ["family"] = ["family", "cpu_family"],
        ["model"] = ["cpu_model_number"],
        ["stepping"] = ["stepping", "cpu_stepping"],
        ["cloud"] = ["cloud", "cloud_provider"],
        ["instance_type"] = ["instance_type"],
        ["instance_id"] = ["instance_id"],
        ["custom_identifier"] = ["custom_identifier", "customidentifier"],
        ["uuid"] = ["uuid", "system_uuid", "product_uuid"],
        ["status"] = ["status"],
        ["os"] = ["os", "platform"],
        ["service"] = ["service"],
        ["role"] = ["role"],
    }.ToImmutableDictionary(StringComparer.Ordinal);

    private CsvColumnMap(ImmutableDictionary<string, string> fields, ImmutableDictionary<string, string> labels)
    {
        Fields = fields;
        Labels = labels;
    }

    /// <summary>The default map: every field from its own column name or aliases, labels from <c>label.KEY</c> columns.</summary>
    public static CsvColumnMap Default { get; } = new(ImmutableDictionary<string, string>.Empty, ImmutableDictionary<string, string>.Empty);

    /// <summary>Field → column named explicitly.</summary>
    public ImmutableDictionary<string, string> Fields { get; }

    /// <summary>Label key → column named explicitly (<c>label.KEY=COLUMN</c>).</summary>
    public ImmutableDictionary<string, string> Labels { get; }

    /// <summary>
    /// Parses <c>field=column</c> pairs, comma-separated, from one or more <c>--map</c> values. A column name may not contain
    /// a comma. Unknown fields are an error (the message lists the known ones).
    /// </summary>
    /// <param name="values">The <c>--map</c> values.</param>
    /// <param name="error">Why the map is wrong, when it is.</param>
    /// <returns>The map, or <c>null</c> with <paramref name="error"/>.</returns>
    public static CsvColumnMap? TryParse(IEnumerable<string> values, out string? error)
    {
        ArgumentNullException.ThrowIfNull(values);
        var fields = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var labels = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || eq == pair.Length - 1)
                {
                    error = $"'{pair}' is not FIELD=COLUMN";
                    return null;
                }

                var field = pair[..eq].Trim().ToLowerInvariant();
                var column = pair[(eq + 1)..].Trim();
                if (field.StartsWith("label.", StringComparison.Ordinal) && field.Length > "label.".Length)
                {
                    labels[pair[..eq].Trim()["label.".Length..]] = column;
                }
                else if (Aliases.ContainsKey(field))
                {
                    fields[field] = column;
                }
                else
                {
                    error = $"unknown field '{field}' (known: {string.Join(", ", Aliases.Keys.Order(StringComparer.Ordinal))}, label.KEY)";
                    return null;
                }
            }
        }

        error = null;
        return new CsvColumnMap(fields.ToImmutable(), labels.ToImmutable());
    }
}
