using System.Text.Json.Nodes;

namespace VulnTriage.Cli.Tests.MackerelApi;

/// <summary>
/// Fills a <see cref="FakeMackerelServer"/> from the shipped samples: the 40 real-shaped hosts of
/// samples/mackerel/hosts.json (copied <c>copies</c> times with new ids and names), each copy's metadata being the
/// sample facts file of its original host (samples/facts/&lt;name&gt;.json), and services with memos.
/// </summary>
internal static class SampleFleet
{
    public const string Prefix = "c";

    /// <summary>Loads the fleet; returns copy host name → original sample host name.</summary>
    public static Dictionary<string, string> Load(FakeMackerelServer server, int copies)
    {
        var originals = JsonNode.Parse(File.ReadAllText(CliRunner.SampleInventory))!.AsArray();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var c = 0; c < copies; c++)
        {
            foreach (var node in originals)
            {
                var host = node!.DeepClone().AsObject();
                var name = (string)host["name"]!;
                var copyName = copies == 1 ? name : $"{Prefix}{c}-{name}";
                var id = copies == 1 ? (string)host["id"]! : $"{host["id"]}{c}";
                host["id"] = id;
                host["name"] = copyName;
                server.Hosts.Add(host);
                names[copyName] = name;
                var facts = Path.Combine(CliRunner.SampleFacts, name + ".json");
                if (File.Exists(facts))
                {
                    server.Metadata[id] = File.ReadAllText(facts);
                }
            }
        }

        server.Services.Add(new JsonObject { ["name"] = "Payments", ["memo"] = "Card payments backend\nteam: payments-sre\n", ["roles"] = new JsonArray("api", "db") });
        server.Services.Add(new JsonObject { ["name"] = "Shop", ["memo"] = "The web shop", ["roles"] = new JsonArray("web") });
        return names;
    }

    public static string IdOf(FakeMackerelServer server, string name) =>
        (string)server.Hosts.First(h => (string)h["name"]! == name)["id"]!;
}
