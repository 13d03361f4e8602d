using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using VulnTriage.Core.Access;
using VulnTriage.Storage;

namespace VulnTriage.Cli.Commands;

/// <summary><c>vulntriage tokens create|list|revoke</c>: the API tokens of <c>vulntriage serve</c>, kept in the state store.</summary>
internal static class TokensCommand
{
    public static Command Build(CliEnvironment env) => new("tokens", "Create, list and revoke API tokens for the dashboard and its API (roles: viewer < decider < admin). Only a salted hash of each token is kept.")
    {
        Create(env),
        List(env),
        Revoke(env),
    };

    private static Command Create(CliEnvironment env)
    {
        var name = new Option<string>("--name") { Description = "Whom the token is for; becomes the author of the decisions it records (letters, digits, . _ - @; at most 64).", Required = true };
        var role = new Option<string>("--role") { Description = "What it may do: viewer (read), decider (read, decide, revoke decisions), admin (everything).", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All.Select(r => r.ToWire())]);
        var db = StateOptions.Db();
        var command = new Command("create", "Create a token and print it once, as the last line (it cannot be shown again).") { name, role, db };
        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var who = parse.GetRequiredValue(name);
            if (!ApiToken.IsValidName(who))
            {
                throw new UsageException($"--name: '{VulnTriageCli.OneLine(who)}' is not 1-64 characters of letters, digits, '.', '_', '-', '@'");
            }

            if (!Roles.TryParse(parse.GetRequiredValue(role), out var r))
            {
                throw new UsageException($"--role: unknown role '{parse.GetRequiredValue(role)}'");
            }

            using var state = StateOptions.Open(StateOptions.Resolve(parse.GetValue(db), env), env);
            ApiToken token;
            string secret;
            try
            {
                (token, secret) = state.CreateToken(env.IdGenerator.NewId("t"), who, r, env.Clock.GetUtcNow());
            }
            catch (InvalidOperationException e)
            {
                throw new UsageException(e.Message, e);
            }

            // Everything else first, on both streams: the token is the last line printed, nothing after it.
            env.Error.WriteLine($"vulntriage: created token {token.Id} for {token.Name} ({token.Role.ToWire()}) in {VulnTriageCli.OneLine(state.Location)}");
            env.Error.Flush();
            env.Out.WriteLine($"Token {token.Id} for {token.Name} ({token.Role.ToWire()}), created {Time(token.CreatedAt)}.");
            env.Out.WriteLine("It is shown once and cannot be read back. Send it as \"Authorization: Bearer TOKEN\"; revoke it with `vulntriage tokens revoke " + token.Name + "`.");
            env.Out.WriteLine(secret);
            env.Out.Flush();
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List(CliEnvironment env)
    {
        var all = new Option<bool>("--all") { Description = "Include revoked tokens." };
        var format = new Option<string>("--format", "-f") { Description = "Output format.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var db = StateOptions.Db();
        var command = new Command("list", "List the tokens (never their secrets): id, name, role, created, last used, revoked.") { all, format, db };
        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var location = StateOptions.Resolve(parse.GetValue(db), env);
            var tokens = parse.GetValue(db) is not null || StateStores.Exists(location) ? Read(location) : [];
            var rows = tokens.Where(t => parse.GetValue(all) || t.IsActive).ToList();
            if (parse.GetValue(format) == "json")
            {
                WriteJson(rows, env.Out);
            }
            else if (rows.Count == 0)
            {
                env.Out.WriteLine("No tokens.");
            }
            else
            {
                string[] header = ["ID", "NAME", "ROLE", "CREATED", "LAST USED", "REVOKED"];
                var table = rows.Select(t => new[] { t.Id, t.Name, t.Role.ToWire(), Time(t.CreatedAt), Time(t.LastUsedAt), Time(t.RevokedAt) }.Select(VulnTriageCli.OneLine).ToArray()).ToList();
                var widths = header.Select((h, i) => Math.Max(h.Length, table.Max(row => row[i].Length))).ToArray();
                env.Out.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
                foreach (var row in table)
                {
                    env.Out.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
                }
            }

            env.Out.Flush();
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Revoke(CliEnvironment env)
    {
        var which = new Argument<string>("NAME|ID") { Description = "The token's name (its active token) or id (t-…)." };
        var db = StateOptions.Db();
        var command = new Command("revoke", "Revoke a token: it stops authenticating at once; its record stays.") { which, db };
        command.SetAction(parse => VulnTriageCli.Guard(env, () =>
        {
            var location = StateOptions.Resolve(parse.GetValue(db), env);
            if (!StateStores.Exists(location))
            {
                throw new UsageException($"no token '{VulnTriageCli.OneLine(parse.GetRequiredValue(which))}': {location.Display} does not exist");
            }

            using var state = StateOptions.Open(location, env);
            ApiToken token;
            try
            {
                token = state.RevokeToken(parse.GetRequiredValue(which), env.Clock.GetUtcNow());
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
            {
                throw new UsageException(e.Message, e);
            }

            env.Out.WriteLine(token.Id);
            env.Out.Flush();
            env.Error.WriteLine($"vulntriage: revoked token {token.Id} of {token.Name} ({token.Role.ToWire()})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static System.Collections.Immutable.ImmutableArray<ApiToken> Read(StateLocation location)
    {
        using var state = StateOptions.OpenReadOnly(location);
        return state.Tokens();
    }

    private static string Time(DateTimeOffset? t) =>
        t is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    private static void WriteJson(List<ApiToken> rows, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) }))
        {
            w.WriteStartArray();
            foreach (var t in rows)
            {
                w.WriteStartObject();
                w.WriteString("id", t.Id);
                w.WriteString("name", t.Name);
                w.WriteString("role", t.Role.ToWire());
                w.WriteString("createdAt", Time(t.CreatedAt));
                if (t.LastUsedAt is { } used)
                {
                    w.WriteString("lastUsedAt", Time(used));
                }
                else
                {
                    w.WriteNull("lastUsedAt");
                }

                if (t.RevokedAt is { } revoked)
                {
                    w.WriteString("revokedAt", Time(revoked));
                }
                else
                {
                    w.WriteNull("revokedAt");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        output.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        output.Write('\n');
    }
}
