#pragma once

#include <QString>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace tg {

class StoreReader;

/// A borrowed read connection; destroying it returns the connection to its pool.
using ReaderLease = std::unique_ptr<StoreReader, std::function<void(StoreReader *)>>;

/// Read connections, reused between threads (one user at a time). Shared-owned, so that work
/// still running on a worker thread can finish reading after the store object is gone.
class ReaderPool : public std::enable_shared_from_this<ReaderPool>
{
public:
    /// A connection for the calling thread; empty if the database cannot be opened.
    ReaderLease lease();

    ReaderPool(QString storePath, QString fullTextPath);
    ~ReaderPool();

    /// A free connection, or a new one; nullptr if the database cannot be opened.
    std::unique_ptr<StoreReader> acquire();
    void release(std::unique_ptr<StoreReader> reader);

private:
    QString m_storePath;
    QString m_fullTextPath;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<StoreReader>> m_idle;
};

} // namespace tg
