using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace VulnTriage.Storage;

/// <summary>
/// API token texts and how they are kept. A token is <c>vt_&lt;id&gt;_&lt;secret&gt;</c>: the id (<c>t-…</c>, not secret,
/// shown by <c>tokens list</c>) finds the row; the secret is 256 bits from the operating system's cryptographic RNG,
/// base64url. The store keeps a 128-bit random salt and HMAC-SHA-256(key: salt, message: secret), never the secret.
/// </summary>
/// <remarks>
/// Why not a password hash (Argon2, PBKDF2, bcrypt): those slow down guessing a low-entropy password. A 256-bit random
/// secret cannot be guessed at any speed, so a slow hash would add nothing but CPU per request (a denial-of-service
/// lever for the web server). One HMAC-SHA-256 is a pre-image-resistant PRF: a copy of the database does not give the
/// tokens back, the per-token salt makes equal secrets hash differently and rules out precomputed tables, and the
/// comparison is <see cref="CryptographicOperations.FixedTimeEquals"/>. The same construction protects GitHub and
/// Stripe API keys (a fast hash of a high-entropy secret).
/// </remarks>
public static class TokenSecrets
{
    /// <summary>What every token text starts with (so secret scanners and people can recognise one).</summary>
    public const string Prefix = "vt_";

    /// <summary>Bytes of randomness in a secret (256 bits).</summary>
    public const int SecretBytes = 32;

    /// <summary>Bytes of salt per token (128 bits).</summary>
    public const int SaltBytes = 16;

    // Compared against when the token id is unknown, so an unknown id costs the same HMAC as a known one.
    private static readonly byte[] DummySalt = RandomNumberGenerator.GetBytes(SaltBytes);
    private static readonly byte[] DummyHash = RandomNumberGenerator.GetBytes(32);

    /// <summary>A new token for <paramref name="id"/>: its text, salt and hash.</summary>
    public static (string Text, byte[] Salt, byte[] Hash) Create(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (id.Contains('_', StringComparison.Ordinal))
        {
            throw new ArgumentException("a token id must not contain '_'", nameof(id));
        }

        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return (Prefix + id + "_" + secret, salt, Hash(salt, secret));
    }

    /// <summary>Splits a token text into its id and secret; <c>false</c> when it is not shaped like one.</summary>
    public static bool TryParse(string? token, out string id, out string secret)
    {
        id = secret = "";
        if (token is null || token.Length > 256 || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = token.AsSpan(Prefix.Length);
        var cut = rest.IndexOf('_');
        if (cut <= 0 || cut == rest.Length - 1)
        {
            return false;
        }

        id = rest[..cut].ToString();
        secret = rest[(cut + 1)..].ToString();
        return true;
    }

    /// <summary>HMAC-SHA-256 of the secret keyed by the salt.</summary>
    public static byte[] Hash(byte[] salt, string secret) => HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret));

    /// <summary>Whether <paramref name="secret"/> matches the stored salt and hash; constant time in the secret.</summary>
    public static bool Verify(byte[] salt, byte[] hash, string secret) =>
        CryptographicOperations.FixedTimeEquals(Hash(salt, secret), hash);

    /// <summary>The same work as <see cref="Verify"/> for an id that matched no row; always <c>false</c>.</summary>
    public static bool VerifyNothing(string secret)
    {
        _ = CryptographicOperations.FixedTimeEquals(Hash(DummySalt, secret), DummyHash);
        return false;
    }
}
