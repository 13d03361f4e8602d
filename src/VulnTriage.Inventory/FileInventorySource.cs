using VulnTriage.Core.Diagnostics;
using VulnTriage.Inventory.Mackerel;

namespace VulnTriage.Inventory;

/// <summary>An inventory read from a stream (file or standard input) with <see cref="MackerelInventoryReader"/>; it carries no facts and no services.</summary>
public sealed class FileInventorySource : IInventorySource
{
    private readonly Func<Stream> _open;

    /// <summary>Creates the source.</summary>
    /// <param name="name">File path or <c>-</c>.</param>
    /// <param name="open">Opens the stream when reading starts; the stream is disposed when the entries are done.</param>
    public FileInventorySource(string name, Func<Stream> open)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(open);
        Name = name;
        _open = open;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public InventoryReading Open(Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new InventoryReading([], Read(_open(), report, cancellationToken));
    }

    private IEnumerable<InventoryEntry> Read(Stream stream, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        using (stream)
        {
            foreach (var host in MackerelInventoryReader.Read(stream, Name, report))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new InventoryEntry(host, null);
            }
        }
    }
}
