namespace VulnTriage.Cli;

/// <summary>The documented process exit codes (README "Exit codes"). Mapped once, here.</summary>
internal static class ExitCodes
{
    /// <summary>Success: no finding at or above <c>--fail-on</c>.</summary>
    public const int Ok = 0;

    /// <summary>At least one finding at or above <c>--fail-on</c>.</summary>
    public const int FindingsAtThreshold = 1;

    /// <summary>Bad command line: unknown option, missing argument, unknown advisory id.</summary>
    public const int Usage = 2;

    /// <summary>Bad input: inventory, facts or advisory files that cannot be read or parsed.</summary>
    public const int InputError = 3;

    /// <summary>A bug in VulnTriage; the message says what failed.</summary>
    public const int InternalError = 70;

    /// <summary>Cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
