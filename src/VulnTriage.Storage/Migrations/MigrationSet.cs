using System.Globalization;

namespace VulnTriage.Storage.Migrations;

/// <summary>One numbered migration: its version, file name and SQL.</summary>
/// <param name="Version">1..n.</param>
/// <param name="Name">The file name without <c>.sql</c>, e.g. <c>0001_initial</c>.</param>
/// <param name="Sql">The SQL.</param>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>The embedded migrations of one SQL dialect (<c>Migrations/Sqlite/*.sql</c>, <c>Migrations/Postgres/*.sql</c>).</summary>
public static class MigrationSet
{
    /// <summary>SQLite's migrations, in order.</summary>
    public static IReadOnlyList<Migration> Sqlite { get; } = Load("Sqlite");

    /// <summary>PostgreSQL's migrations, in order.</summary>
    public static IReadOnlyList<Migration> Postgres { get; } = Load("Postgres");

    /// <summary>The newest version a set knows.</summary>
    public static int Latest(IReadOnlyList<Migration> set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return set.Count == 0 ? 0 : set[^1].Version;
    }

    private static List<Migration> Load(string dialect)
    {
        var prefix = $"VulnTriage.Storage.Migrations.{dialect}.";
        var assembly = typeof(MigrationSet).Assembly;
        var list = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = name[prefix.Length..^4];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(underscore < 0 ? file : file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            list.Add(new Migration(version, file, reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new InvalidOperationException($"{dialect} migrations must be numbered 1..n without gaps; found {list[i].Name} at position {i + 1}");
            }
        }

        return list;
    }
}
