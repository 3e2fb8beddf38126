#pragma once

#include <QString>

#include <memory>
#include <mutex>
#include <vector>

namespace tg {

class StoreReader;

/// Read connections, reused between threads (one user at a time).
class ReaderPool
{
public:
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
