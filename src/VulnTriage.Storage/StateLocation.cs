using System.Globalization;
using System.Text;
using Npgsql;

namespace VulnTriage.Storage;

/// <summary>
/// Where the state is: a SQLite file, or a PostgreSQL database named by a <c>postgresql://</c> (or <c>postgres://</c>)
/// URL in libpq's form: <c>postgresql://[user[:password]@]host[:port][/dbname][?param=value&amp;…]</c>.
/// <see cref="Display"/> is what messages show: the path, or the URL with its password replaced by <c>***</c>.
/// </summary>
public sealed class StateLocation
{
    /// <summary>The URL query parameters understood (libpq's names), and the Npgsql keyword each sets.</summary>
    public static IReadOnlyDictionary<string, string> UrlParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["host"] = "Host",
        ["port"] = "Port",
        ["dbname"] = "Database",
        ["user"] = "Username",
        ["password"] = "Password",
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["channel_binding"] = "Channel Binding",
        ["connect_timeout"] = "Timeout",
        ["application_name"] = "Application Name",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
    };

    private StateLocation(string? filePath, string? connectionString, string display, string? password)
    {
        FilePath = filePath;
        ConnectionString = connectionString;
        Display = display;
        Password = password;
    }

    /// <summary>The SQLite file, or <c>null</c> for PostgreSQL.</summary>
    public string? FilePath { get; }

    /// <summary>Whether this names a PostgreSQL database.</summary>
    public bool IsPostgres => ConnectionString is not null;

    /// <summary>What messages show: the file path, or the URL without its password.</summary>
    public string Display { get; }

    /// <summary>Whether the URL carries a password (a warning in the CLI: it shows in <c>ps</c> and shell history).</summary>
    public bool HasPassword => !string.IsNullOrEmpty(Password);

    /// <summary>The Npgsql connection string (holds the password: never print it).</summary>
    internal string? ConnectionString { get; }

    internal string? Password { get; }

    /// <summary>A SQLite file.</summary>
    public static StateLocation File(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new StateLocation(path, null, path, null);
    }

    /// <summary>
    /// The same database with <paramref name="password"/> (from <c>PGPASSWORD</c>, read by the caller) when the URL
    /// names none; a URL's own password wins.
    /// </summary>
    public StateLocation WithPassword(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (!IsPostgres || HasPassword)
        {
            return this;
        }

        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Password = password };
        return new StateLocation(null, builder.ConnectionString, Display, password);
    }

    /// <summary>Whether <paramref name="text"/> starts with <c>postgresql://</c> or <c>postgres://</c> (any case).</summary>
    public static bool IsPostgresUrl(string? text) =>
        text is not null && (text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Replaces the password (and its percent-encoded form) in <paramref name="text"/> with <c>***</c>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrEmpty(Password))
        {
            return text;
        }

        text = text.Replace(Password, "***", StringComparison.Ordinal);
        var encoded = Uri.EscapeDataString(Password);
        return encoded == Password ? text : text.Replace(encoded, "***", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Parses a <c>postgresql://</c> URL. Throws <see cref="FormatException"/> with a one-line message that never
    /// contains the password when the URL is malformed or names a parameter that is not understood.
    /// </summary>
    public static StateLocation ParsePostgresUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!IsPostgresUrl(url))
        {
            throw new FormatException("not a postgresql:// URL");
        }

        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var scheme = url[..url.IndexOf("://", StringComparison.Ordinal)].ToLowerInvariant();
        string? fragmentFree = rest.Contains('#', StringComparison.Ordinal) ? throw new FormatException("a PostgreSQL URL has no #fragment") : rest;
        var queryAt = fragmentFree.IndexOf('?', StringComparison.Ordinal);
        var query = queryAt < 0 ? "" : fragmentFree[(queryAt + 1)..];
        var beforeQuery = queryAt < 0 ? fragmentFree : fragmentFree[..queryAt];
        var slash = beforeQuery.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? beforeQuery : beforeQuery[..slash];
        var path = slash < 0 ? "" : beforeQuery[(slash + 1)..];
        var at = authority.LastIndexOf('@');
        var userInfo = at < 0 ? null : authority[..at];
        var hostPort = at < 0 ? authority : authority[(at + 1)..];

        var builder = new NpgsqlConnectionStringBuilder();
        string? password = null;
        string? user = null;
        if (userInfo is not null)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Decode(colon < 0 ? userInfo : userInfo[..colon], "user name");
            password = colon < 0 ? null : Decode(userInfo[(colon + 1)..], "password");
        }

        // Parse the query first so that the display can be built (without secrets) whatever fails afterwards.
        var parameters = new List<(string Key, string Value)>();
        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < pairs.Length; i++)
        {
            var pair = pairs[i];
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                // Not quoted: a malformed pair may be a password typed without its name.
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"URL parameter {i + 1} is not name=value"));
            }

            var key = Decode(pair[..eq], "parameter name");
            var value = Decode(pair[(eq + 1)..], $"parameter {key}");
            if (!UrlParameters.ContainsKey(key))
            {
                throw new FormatException($"unknown URL parameter '{Safe(key)}' (known: {string.Join(", ", UrlParameters.Keys)})");
            }

            if (key == "password")
            {
                password = value;
            }

            parameters.Add((key, value));
        }

        if (hostPort.Contains(',', StringComparison.Ordinal))
        {
            throw new FormatException("several hosts in one URL are not supported; name one host");
        }

        string? host = null;
        int? port = null;
        if (hostPort.Length > 0)
        {
            string portText;
            if (hostPort.StartsWith('['))
            {
                var close = hostPort.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new FormatException("the IPv6 address has no closing ']'");
                }

                host = hostPort[1..close];
                portText = hostPort[(close + 1)..] is var after && after.StartsWith(':') ? after[1..] : after.Length == 0 ? "" : throw new FormatException("unexpected text after the IPv6 address");
            }
            else
            {
                var colon = hostPort.LastIndexOf(':');
                host = Decode(colon < 0 ? hostPort : hostPort[..colon], "host");
                portText = colon < 0 ? "" : hostPort[(colon + 1)..];
            }

            if (portText.Length > 0)
            {
                port = int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                    ? p
                    : throw new FormatException($"port '{Safe(portText)}' is not a number from 1 to 65535");
            }
        }

        if (!string.IsNullOrEmpty(host))
        {
            builder.Host = host;
        }

        if (port is { } portNumber)
        {
            builder.Port = portNumber;
        }

        if (user is { Length: > 0 })
        {
            builder.Username = user;
        }

        if (password is not null && parameters.All(p => p.Key != "password"))
        {
            builder.Password = password;
        }

        var database = Decode(path, "database name");
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var (key, value) in parameters)
        {
            try
            {
                switch (key)
                {
                    case "port":
                        builder.Port = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
                            ? p
                            : throw new FormatException($"port '{Safe(value)}' is not a number from 1 to 65535");
                        break;
                    case "connect_timeout":
                        builder.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t <= 1024
                            ? t
                            : throw new FormatException($"connect_timeout '{Safe(value)}' is not a number of seconds");
                        break;
                    case "sslmode":
                        builder.SslMode = value switch
                        {
                            "disable" => SslMode.Disable,
                            "allow" => SslMode.Allow,
                            "prefer" => SslMode.Prefer,
                            "require" => SslMode.Require,
                            "verify-ca" => SslMode.VerifyCA,
                            "verify-full" => SslMode.VerifyFull,
                            _ => throw new FormatException($"sslmode '{Safe(value)}' is not disable, allow, prefer, require, verify-ca or verify-full"),
                        };
                        break;
                    case "channel_binding":
                        builder.ChannelBinding = value switch
                        {
                            "disable" => ChannelBinding.Disable,
                            "prefer" => ChannelBinding.Prefer,
                            "require" => ChannelBinding.Require,
                            _ => throw new FormatException($"channel_binding '{Safe(value)}' is not disable, prefer or require"),
                        };
                        break;
                    default:
                        builder[UrlParameters[key]] = value;
                        break;
                }
            }
            catch (ArgumentException)
            {
                // The builder's own message may quote the value; a password never reaches here (set as a property).
                throw new FormatException($"URL parameter '{key}' has a value Npgsql does not accept");
            }
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new FormatException("name the server: postgresql://HOST[:PORT]/DATABASE (for a local socket: ?host=/var/run/postgresql)");
        }

        builder.ApplicationName ??= "vulntriage";
        var display = BuildDisplay(scheme, user, password is not null, host, port, database, parameters);
        return new StateLocation(null, builder.ConnectionString, display, password);
    }

    private static string BuildDisplay(string scheme, string? user, bool hasPassword, string? host, int? port, string database, List<(string Key, string Value)> parameters)
    {
        var sb = new StringBuilder(scheme).Append("://");
        if (user is not null)
        {
            sb.Append(Uri.EscapeDataString(user));
            if (hasPassword && parameters.All(p => p.Key != "password"))
            {
                sb.Append(":***");
            }

            sb.Append('@');
        }

        if (host is not null)
        {
            sb.Append(host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host);
        }

        if (port is { } p)
        {
            sb.Append(':').Append(p.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append('/').Append(Uri.EscapeDataString(database));
        if (parameters.Count > 0)
        {
            sb.Append('?').Append(string.Join('&', parameters.Select(kv => kv.Key + "=" + (kv.Key == "password" ? "***" : Uri.EscapeDataString(kv.Value)))));
        }

        return sb.ToString();
    }

    private static string Decode(string text, string what)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw new FormatException($"the {what} is not valid percent-encoding");
        }
    }

    // Parts of a URL quoted in an error are cut short: never the whole URL (it may hold a password elsewhere).
    private static string Safe(string part) => part.Length > 40 ? part[..40] + "…" : part;
}
