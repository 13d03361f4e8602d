using System.Runtime.CompilerServices;
using System.Threading.Channels;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;
using VulnTriage.Inventory.Facts;

namespace VulnTriage.Inventory.MackerelApi;

/// <summary>
/// The fleet read live from the Mackerel API: the services, then the host list streamed, each host paired with its
/// <c>vulntriage</c> metadata (the probe's JSON, parsed as a facts file) fetched with bounded concurrency while
/// hosts keep arriving. Hosts come out in the API's order.
/// </summary>
/// <remarks>
/// A metadata document that is not usable facts (wrong shape, bad firmware version) does not stop the run: the host
/// is triaged without firmware facts (so a listed CPU stays <c>needs_confirmation</c>, never <c>not_affected</c>), a
/// note says why, and a warning (VT1206) names the endpoint. Transport faults (timeouts, cut-off bodies, HTTP errors)
/// do stop it, with an <see cref="InputException"/> naming the endpoint.
/// </remarks>
public sealed class MackerelApiInventorySource : IInventorySource
{
    private readonly MackerelApiClient _client;
    private readonly MackerelApiOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the source.</summary>
    /// <param name="client">The API client.</param>
    /// <param name="options">The same options the client was made with.</param>
    /// <param name="time">Time source for the overall deadline (<see cref="MackerelApiOptions.Deadline"/>); the system clock when <c>null</c>.</param>
    public MackerelApiInventorySource(MackerelApiClient client, MackerelApiOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "mackerel";

    /// <inheritdoc />
    public InventoryReading Open(Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var gate = new Lock();
        void Report(Diagnostic d)
        {
            lock (gate)
            {
                report(d with { Message = _client.RedactData(d.Message) });
            }
        }

        // One deadline over the whole read: per-request timeouts catch stalls, not a server trickling a byte a second.
        var deadline = new CancellationTokenSource(_options.Deadline, _time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var services = _options.ReadServices
                ? _client.GetServicesAsync(linked.Token).GetAwaiter().GetResult()
                : [];
            services = [.. services.Select(sv => sv with
            {
                Name = _client.RedactData(sv.Name),
                Memo = _client.RedactData(sv.Memo),
                Team = sv.Team is null ? null : _client.RedactData(sv.Team),
                Roles = [.. (sv.Roles.IsDefault ? [] : sv.Roles).Select(_client.RedactData)],
            })];
            var entries = ReadAsync(Report, linked.Token).ToBlockingEnumerable(linked.Token);
            return new InventoryReading(services, WithDeadline(entries, deadline, linked, cancellationToken));
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            linked.Dispose();
            deadline.Dispose();
            throw DeadlineExceeded();
        }
        catch
        {
            linked.Dispose();
            deadline.Dispose();
            throw;
        }
    }

    private InputException DeadlineExceeded() =>
        MackerelApiClient.Fail(MackerelApiDiagnosticCodes.Timeout, "/api/v0", string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"the API read did not finish within {_options.Deadline.TotalSeconds:0.#} s (--api-deadline); the server answers too slowly"));

    private IEnumerable<InventoryEntry> WithDeadline(IEnumerable<InventoryEntry> entries, CancellationTokenSource deadline, CancellationTokenSource linked, CancellationToken cancellationToken)
    {
        using (deadline)
        using (linked)
        {
            using var e = entries.GetEnumerator();
            while (true)
            {
                bool more;
                try
                {
                    more = e.MoveNext();
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw DeadlineExceeded();
                }

                if (!more)
                {
                    yield break;
                }

                yield return Redacted(e.Current);
            }
        }
    }

    /// <summary>
    /// A server (or a proxy) that echoes the API key back as data — a host named after it, a status, a note — must not
    /// put it into reports or the state database: every string from the API passes through the key's redaction.
    /// </summary>
    private InventoryEntry Redacted(InventoryEntry entry)
    {
        string R(string text) => _client.RedactData(text);
        string? N(string? text) => text is null ? null : R(text);
        var h = entry.Host;
        var host = h with
        {
            Id = R(h.Id),
            Name = R(h.Name),
            DisplayName = N(h.DisplayName),
            Roles = [.. (h.Roles.IsDefault ? [] : h.Roles).Select(r => new RoleRef(R(r.Service), R(r.Role)))],
            Cloud = h.Cloud is null ? null : h.Cloud with { RawProvider = R(h.Cloud.RawProvider), InstanceType = N(h.Cloud.InstanceType), Evidence = R(h.Cloud.Evidence) },
            Processors = [.. (h.Processors.IsDefault ? [] : h.Processors).Select(p => p with { VendorId = N(p.VendorId), BrandString = N(p.BrandString) })],
            OsName = N(h.OsName),
            CpuFactsNote = N(h.CpuFactsNote),
        };
        var facts = entry.Facts is not { } f ? null : f with
        {
            Source = R(f.Source),
            Notes = [.. (f.Notes.IsDefault ? [] : f.Notes).Select(R)],
            Firmware = [.. (f.Firmware.IsDefault ? [] : f.Firmware).Select(x => x with { Source = R(x.Source), Text = N(x.Text) })],
            Platform = f.Platform is not { } p ? null : p with
            {
                SystemVendor = N(p.SystemVendor),
                ProductName = N(p.ProductName),
                BiosVendor = N(p.BiosVendor),
                BiosVersion = N(p.BiosVersion),
                BiosDate = N(p.BiosDate),
                BoardVendor = N(p.BoardVendor),
                BoardName = N(p.BoardName),
            },
        };
        return new InventoryEntry(host, facts);
    }

    /// <summary>The hosts with their metadata facts, asynchronously.</summary>
    /// <param name="report">Receives non-fatal diagnostics (from several threads: serialise if needed).</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The entries in the API's order.</returns>
    public async IAsyncEnumerable<InventoryEntry> ReadAsync(Action<Diagnostic> report, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var concurrency = Math.Max(1, _options.MaxConcurrency);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(concurrency);

        // Bounded: the host stream runs at most this far ahead of the consumer, so memory stays flat.
        var pending = Channel.CreateBounded<Task<InventoryEntry>>(new BoundedChannelOptions(concurrency * 4) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var host in _client.GetHostsAsync(report, stop.Token).ConfigureAwait(false))
                    {
                        var wanted = _options.ReadMetadata && (!host.IsRetired || _options.IncludeRetired);
                        var entry = wanted ? FetchAsync(host, slots, report, stop.Token) : Task.FromResult(new InventoryEntry(host, null));
                        await pending.Writer.WriteAsync(entry, stop.Token).ConfigureAwait(false);
                    }

                    pending.Writer.Complete();
                }
#pragma warning disable CA1031 // Handed to the consumer through the channel.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    pending.Writer.Complete(e);
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var task in pending.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                yield return await task.ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await ObserveAsync(producer).ConfigureAwait(false);
            while (pending.Reader.TryRead(out var left))
            {
                await ObserveAsync(left).ConfigureAwait(false);
            }
        }
    }

    private async Task<InventoryEntry> FetchAsync(Host host, SemaphoreSlim slots, Action<Diagnostic> report, CancellationToken ct)
    {
        await slots.WaitAsync(ct).ConfigureAwait(false);
        byte[]? body;
        try
        {
            body = await _client.GetMetadataAsync(host.Id, host.IsRetired, FactsDirectory.MaxFileBytes, ct).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }

        if (body is null)
        {
            return new InventoryEntry(host, null);
        }

        var source = "mackerel:" + MackerelApiClient.MetadataPath(host.Id, _options.MetadataNamespace);
        try
        {
            var facts = FactsFileParser.Parse(body, source, report);

            // The parser names a fact's source by file name ("vulntriage" here); name the endpoint instead.
            var fileName = Path.GetFileName(source);
            return new InventoryEntry(host, facts with
            {
                Firmware = [.. facts.Firmware.Select(f => f with
                {
                    Source = f.Source == fileName ? source
                        : f.Source.EndsWith($"({fileName})", StringComparison.Ordinal) ? f.Source[..^(fileName.Length + 2)] + $"({source})"
                        : f.Source,
                })],
            });
        }
        catch (InputException e)
        {
            var why = e.Diagnostics.Count > 0 ? e.Diagnostics[0].Message : e.Message;
            foreach (var d in e.Diagnostics)
            {
                report(new Diagnostic(MackerelApiDiagnosticCodes.MetadataUnusable, DiagnosticSeverity.Warning, d.Location, $"metadata not used as facts ({d.Code}): {d.Message}"));
            }

            return new InventoryEntry(host, new HostFacts([], source, [$"the {_options.MetadataNamespace} metadata could not be used: {why}"]));
        }
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Abandoned work after a failure or early stop; the first failure is already on its way.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
