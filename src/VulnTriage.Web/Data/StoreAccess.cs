using System.Collections.Concurrent;
using VulnTriage.Storage;

namespace VulnTriage.Web.Data;

/// <summary>
/// The server's way into the state store. <see cref="IStateStore"/> is synchronous; every call runs on a thread-pool
/// thread through <see cref="RunAsync{T}"/>, so a request thread never blocks on the database (a 100,000-host run takes
/// over a second to load). SQLite instances are not thread-safe: each call rents one from a pool (opened once, reused);
/// a PostgreSQL instance is shared (Npgsql pools its connections).
/// </summary>
public sealed class StoreAccess : IDisposable
{
    private readonly StateLocation _location;
    private readonly TimeProvider _clock;
    private readonly ConcurrentBag<IStateStore> _pool = [];
    private readonly IStateStore? _shared;
    private bool _disposed;

    /// <summary>Opens the store for writing (creating and migrating it as needed): fails here, at start, when it cannot.</summary>
    public StoreAccess(StateLocation location, TimeProvider clock)
    {
        _location = location ?? throw new ArgumentNullException(nameof(location));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        var first = StateStores.Open(location, clock);
        if (location.IsPostgres)
        {
            _shared = first;
        }
        else
        {
            _pool.Add(first);
        }
    }

    /// <summary>The store's name for messages (never a password).</summary>
    public string Display => _location.Display;

    /// <summary>Runs <paramref name="body"/> with a store instance on the thread pool.</summary>
    public Task<T> RunAsync<T>(Func<IStateStore, T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Task.Run(() => Run(body));
    }

    /// <summary>Runs <paramref name="body"/> with a store instance on the calling thread (background work only).</summary>
    public T Run<T>(Func<IStateStore, T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_shared is not null)
        {
            return body(_shared);
        }

        if (!_pool.TryTake(out var store))
        {
            store = StateStores.Open(_location, _clock);
        }

        try
        {
            return body(store);
        }
        finally
        {
            if (_disposed)
            {
                store.Dispose();
            }
            else
            {
                _pool.Add(store);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _shared?.Dispose();
        while (_pool.TryTake(out var store))
        {
            store.Dispose();
        }
    }
}
