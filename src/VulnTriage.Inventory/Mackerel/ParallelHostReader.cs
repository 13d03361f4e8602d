using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using VulnTriage.Core.Diagnostics;
using VulnTriage.Core.Inventory;

namespace VulnTriage.Inventory.Mackerel;

/// <summary>Where one host lies in its batch's buffer: its <c>{</c>, its closing <c>}</c>, its index in the inventory and its nesting depth.</summary>
internal readonly record struct HostSlice(int Start, int End, int Index, int Depth);

/// <summary>
/// The hosts found in one buffer of the input, and, once a worker has parsed them, the hosts in order (each with its
/// diagnostics) and the error that stopped the batch, if any. A batch with <see cref="Failure"/> set and no hosts
/// is the driver's own error, in its place in the order.
/// </summary>
internal sealed class HostBatch
{
    public HostWindow Window { get; set; }

    public List<HostSlice> Hosts { get; } = [];

    public List<(Host Host, Diagnostic[] Diagnostics)> Results { get; } = [];

    public ExceptionDispatchInfo? Failure { get; set; }

    public ManualResetEventSlim Done { get; } = new(false);
}

/// <summary>
/// Reads a Mackerel inventory on several threads and yields the hosts in document order: one thread (the driver) reads
/// the stream and finds each host's bounds with the structure scan, handing the hosts of each filled buffer, with the
/// buffer, to a worker; the workers parse hosts (<see cref="MackerelHostParser"/>, one per worker); the caller's thread
/// takes the batches back in order. At most a few buffers are in flight, so memory does not grow with the input.
/// Errors and diagnostics come out exactly where the one-thread reader would raise them: after the hosts before them.
/// </summary>
internal static class ParallelHostReader
{
    public static IEnumerable<Host> Read(Stream stream, string source, Action<Diagnostic> report, MackerelReaderOptions options, int bufferSize, int workers)
    {
        var ordered = new BlockingCollection<HostBatch>(boundedCapacity: workers + 1);

        // Buffers come from a pool of this reading's own: the few in flight are reused, and all are let go at the end.
        var pool = ArrayPool<byte>.Create(Math.Max(bufferSize, options.MaxHostBytes) + 1, workers + 4);
        var work = new BlockingCollection<HostBatch>();
        using var cancel = new CancellationTokenSource();
        var threads = new List<Thread>(workers + 1);
        var driver = new Thread(() => Drive(stream, source, options, bufferSize, pool, ordered, work, cancel.Token))
        {
            IsBackground = true,
            Name = "vulntriage inventory reader",
        };
        threads.Add(driver);
        for (var i = 0; i < workers; i++)
        {
            threads.Add(new Thread(() => Work(source, options, work, cancel.Token)) { IsBackground = true, Name = "vulntriage host parser" });
        }

        foreach (var thread in threads)
        {
            thread.Start();
        }

        try
        {
            foreach (var batch in ordered.GetConsumingEnumerable())
            {
                batch.Done.Wait();
                try
                {
                    foreach (var (host, diagnostics) in batch.Results)
                    {
                        foreach (var d in diagnostics)
                        {
                            report(d);
                        }

                        yield return host;
                    }

                    batch.Failure?.Throw();
                }
                finally
                {
                    Release(batch, pool);
                }
            }
        }
        finally
        {
            cancel.Cancel();
            foreach (var thread in threads)
            {
                thread.Join();
            }

            // Batches the caller did not take (it stopped early): every thread has ended, so give their buffers back.
            while (ordered.TryTake(out var left))
            {
                Release(left, pool);
            }

            ordered.Dispose();
            work.Dispose();
        }
    }

    private static void Release(HostBatch batch, ArrayPool<byte> pool)
    {
        if (batch.Window.Buffer is { Length: > 0 } buffer)
        {
            pool.Return(buffer);
            batch.Window = default;
        }

        batch.Done.Dispose();
    }

    private static void Drive(
        Stream stream,
        string source,
        MackerelReaderOptions options,
        int bufferSize,
        ArrayPool<byte> pool,
        BlockingCollection<HostBatch> ordered,
        BlockingCollection<HostBatch> work,
        CancellationToken cancel)
    {
        void Seal(HostBatch batch)
        {
            ordered.Add(batch, cancel);
            work.Add(batch, cancel);
        }

        MackerelStreamParser? parser = null;
        try
        {
            parser = new MackerelStreamParser(stream, source, _ => { }, options, bufferSize, Seal, pool);
            while (!cancel.IsCancellationRequested)
            {
                var step = parser.Step(out _);
                if (step == StepResult.NeedData)
                {
                    parser.Fill();
                }
                else if (step == StepResult.Done)
                {
                    parser.SealBatch();
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The caller stopped reading.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            try
            {
                // The hosts found before the error are parsed and yielded first, as the one-thread reader would.
                parser?.SealBatch();
                var failed = new HostBatch { Failure = ExceptionDispatchInfo.Capture(e) };
                failed.Done.Set();
                ordered.Add(failed, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
            }
        }
        finally
        {
            parser?.Dispose();
            ordered.CompleteAdding();
            work.CompleteAdding();
        }
    }

    private static void Work(string source, MackerelReaderOptions options, BlockingCollection<HostBatch> work, CancellationToken cancel)
    {
        var parser = new MackerelHostParser(source, options);
        try
        {
            foreach (var batch in work.GetConsumingEnumerable(cancel))
            {
                try
                {
                    foreach (var slice in batch.Hosts)
                    {
                        var host = parser.Parse(batch.Window, slice.Start, slice.End, slice.Index, slice.Depth);
                        batch.Results.Add((host, parser.Diagnostics.Count == 0 ? [] : [.. parser.Diagnostics]));
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    batch.Failure = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    batch.Done.Set();
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The caller stopped reading.
        }
    }
}
