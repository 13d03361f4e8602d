using System.Runtime.CompilerServices;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Inventory.Mackerel;

/// <summary>
/// Reads a Mackerel host inventory as a stream of <see cref="Host"/>s: the array <c>mkr hosts [-v]</c> prints,
/// the API's <c>{"hosts":[...]}</c>, or a single <c>{"host":{...}}</c> (detected automatically). Only a few buffers
/// are held at a time, so memory stays flat however large the inventory is. <see cref="Read"/> parses hosts on every
/// core (<see cref="ParallelHostReader"/>) and yields them in document order.
/// </summary>
/// <remarks>
/// Malformed input throws <see cref="InputException"/> carrying exactly one diagnostic (VT1001–VT1006) with the
/// source, 1-based line and column (bytes, not counting a UTF-8 BOM) and the 0-based byte offset from the start of
/// the input. Oddities that do not make a host unusable (an unknown status, an unparseable CPU family) go to the
/// <c>report</c> callback and the host is kept. Nothing else escapes: no <c>JsonException</c>.
/// </remarks>
public static class MackerelInventoryReader
{
    /// <summary>Streams hosts from <paramref name="stream"/> (which need not be seekable) one at a time.</summary>
    /// <param name="stream">The input; read forward only, not disposed.</param>
    /// <param name="sourceName">Name used in diagnostics (file path, or <c>-</c> for standard input).</param>
    /// <param name="report">Receives non-fatal diagnostics, after the host they concern is complete.</param>
    /// <param name="options">Limits; defaults when <c>null</c>.</param>
    /// <returns>The hosts in document order. Enumerating throws <see cref="InputException"/> on malformed input.</returns>
    public static IEnumerable<Host> Read(
        Stream stream, string sourceName, Action<Diagnostic> report, MackerelReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(report);
        return DefaultWorkers > 1
            ? ReadWithBuffer(stream, sourceName, report, options, ParallelBufferSize, DefaultWorkers)
            : ReadWithBuffer(stream, sourceName, report, options, MackerelStreamParser.DefaultBufferSize);
    }

    /// <summary>Buffer (and batch) size when reading in parallel: small enough that the few batches in flight stay a few MiB.</summary>
    internal const int ParallelBufferSize = 256 << 10;

    /// <summary>Host-parsing threads for <see cref="Read"/>: one per core, at most four; one core reads on the caller's thread.</summary>
    public static int DefaultWorkers { get; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>
    /// Test hook: the same with a chosen initial buffer size (to exercise refills at every boundary) and number of
    /// host-parsing threads (1 or less: all on the caller's thread).
    /// </summary>
    internal static IEnumerable<Host> ReadWithBuffer(
        Stream stream, string sourceName, Action<Diagnostic> report, MackerelReaderOptions? options, int initialBufferSize, int workers = 1) =>
        workers > 1
            ? ParallelHostReader.Read(stream, sourceName, report, options ?? new MackerelReaderOptions(), initialBufferSize, workers)
            : ReadIterator(stream, sourceName, report, options ?? new MackerelReaderOptions(), initialBufferSize);

    /// <summary>Test hook: async form with a chosen initial buffer size.</summary>
    internal static IAsyncEnumerable<Host> ReadAsyncWithBuffer(
        Stream stream, string sourceName, Action<Diagnostic> report, MackerelReaderOptions? options, int initialBufferSize) =>
        ReadAsyncIterator(stream, sourceName, report, options ?? new MackerelReaderOptions(), initialBufferSize, default);

    /// <summary>Asynchronous form of <see cref="Read"/>; refills its buffer with <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/>.</summary>
    /// <param name="stream">The input; read forward only, not disposed.</param>
    /// <param name="sourceName">Name used in diagnostics.</param>
    /// <param name="report">Receives non-fatal diagnostics.</param>
    /// <param name="options">Limits; defaults when <c>null</c>.</param>
    /// <param name="ct">Cancels between reads.</param>
    /// <returns>The hosts in document order.</returns>
    public static IAsyncEnumerable<Host> ReadAsync(
        Stream stream,
        string sourceName,
        Action<Diagnostic> report,
        MackerelReaderOptions? options = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(report);
        return ReadAsyncIterator(stream, sourceName, report, options ?? new MackerelReaderOptions(), MackerelStreamParser.DefaultBufferSize, ct);
    }

    private static IEnumerable<Host> ReadIterator(
        Stream stream, string sourceName, Action<Diagnostic> report, MackerelReaderOptions options, int initialBufferSize)
    {
        using var parser = new MackerelStreamParser(stream, sourceName, report, options, initialBufferSize);
        while (true)
        {
            switch (parser.Step(out var host))
            {
                case StepResult.Host:
                    yield return host!;
                    break;
                case StepResult.NeedData:
                    parser.Fill();
                    break;
                case StepResult.Queued:
                    break;
                default:
                    yield break;
            }
        }
    }

    private static async IAsyncEnumerable<Host> ReadAsyncIterator(
        Stream stream,
        string sourceName,
        Action<Diagnostic> report,
        MackerelReaderOptions options,
        int initialBufferSize,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var parser = new MackerelStreamParser(stream, sourceName, report, options, initialBufferSize);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            switch (parser.Step(out var host))
            {
                case StepResult.Host:
                    yield return host!;
                    break;
                case StepResult.NeedData:
                    await parser.FillAsync(ct).ConfigureAwait(false);
                    break;
                case StepResult.Queued:
                    break;
                default:
                    yield break;
            }
        }
    }
}
