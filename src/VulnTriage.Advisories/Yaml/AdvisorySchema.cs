using System.Text.Json.Nodes;
using Json.Schema;
using VulnTriage.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VulnTriage.Advisories.Yaml;

/// <summary>
/// Checks an advisory file against the published JSON Schema of the format (docs/advisory.schema.json, embedded).
/// The strict loader is the authority (it also checks vocabulary and references); the schema is what editors use, and
/// <c>advisories verify</c> checks both so that the two never drift apart.
/// </summary>
public static class AdvisorySchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        using var stream = typeof(AdvisorySchema).Assembly.GetManifestResourceStream("schemas/advisory.schema.json")
            ?? throw new InvalidOperationException("the advisory schema is not embedded");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    });

    /// <summary>The schema's text, as published.</summary>
    public static string Text
    {
        get
        {
            using var stream = typeof(AdvisorySchema).Assembly.GetManifestResourceStream("schemas/advisory.schema.json")!;
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>
    /// The schema violations of <paramref name="text"/>, each located at the YAML node it concerns; empty when the file
    /// conforms (or cannot be parsed as YAML at all — the loader reports that).
    /// </summary>
    public static IReadOnlyList<Diagnostic> Check(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        YamlNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count != 1)
            {
                return [];
            }

            root = stream.Documents[0].RootNode;
        }
        catch (YamlException)
        {
            return [];
        }

        var nodes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var json = ToJson(root, "", nodes);
        using var document = System.Text.Json.JsonDocument.Parse(json?.ToJsonString() ?? "null");
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (result.IsValid)
        {
            return [];
        }

        // Walk only through failing nodes: the failing branches of a oneOf that passed elsewhere are not errors.
        var deepest = new List<(string Pointer, string Message)>();
        void Walk(EvaluationResults node)
        {
            var failing = (node.Details ?? []).Where(d => !d.IsValid).ToList();
            if (failing.Count == 0 || failing.All(d => d.Details is null or { Count: 0 } && d.Errors is null or { Count: 0 }))
            {
                var errors = node.Errors ?? failing.SelectMany(d => d.Errors ?? new Dictionary<string, string>()).ToDictionary(e => e.Key, e => e.Value);
                deepest.Add((node.InstanceLocation.ToString(), errors.Count == 0 ? "does not match" : string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}"))));
                return;
            }

            foreach (var child in failing)
            {
                Walk(child);
            }
        }

        Walk(result);
        deepest = [.. deepest.GroupBy(d => d.Pointer, StringComparer.Ordinal).Select(g => g.First())];
        return [.. deepest.Take(20).Select(f =>
        {
            var node = nodes.GetValueOrDefault(f.Pointer);
            var location = node is null ? new SourceLocation(sourceName) : new SourceLocation(sourceName, node.Start.Line, node.Start.Column);
            var where = f.Pointer.Length == 0 ? "the file" : f.Pointer;
            return new Diagnostic(DiagnosticCodes.AdvisorySchema, DiagnosticSeverity.Error, location, $"does not match docs/advisory.schema.json at {where}: {OneLine(f.Message)}");
        })];
    }

    // Scalars become JSON strings: the loader reads every value as text, so the schema accepts text for every scalar.
    private static JsonNode? ToJson(YamlNode node, string pointer, Dictionary<string, YamlNode> nodes)
    {
        nodes[pointer] = node;
        switch (node)
        {
            case YamlMappingNode map:
                {
                    var obj = new JsonObject();
                    foreach (var (k, v) in map.Children)
                    {
                        var key = (k as YamlScalarNode)?.Value ?? "";
                        if (!obj.ContainsKey(key))
                        {
                            obj[key] = ToJson(v, pointer + "/" + Escape(key), nodes);
                        }
                    }

                    return obj;
                }

            case YamlSequenceNode seq:
                {
                    var array = new JsonArray();
                    var i = 0;
                    foreach (var item in seq.Children)
                    {
                        array.Add(ToJson(item, pointer + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), nodes));
                        i++;
                    }

                    return array;
                }

            case YamlScalarNode scalar:
                return JsonValue.Create(scalar.Value ?? "");
            default:
                return null;
        }
    }

    private static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string OneLine(string text)
    {
        var one = text.ReplaceLineEndings(" ");
        return one.Length <= 300 ? one : one[..300] + "…";
    }
}
