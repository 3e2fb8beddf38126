#include "readerpool.h"

#include "store/storereader.h"

#include <QDebug>

namespace tg {

namespace {
constexpr size_t kMaxIdleReaders = 8;
}

ReaderPool::ReaderPool(QString storePath, QString fullTextPath)
    : m_storePath(std::move(storePath))
    , m_fullTextPath(std::move(fullTextPath))
{
}

ReaderPool::~ReaderPool() = default;

std::unique_ptr<StoreReader> ReaderPool::acquire()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_idle.empty()) {
            auto reader = std::move(m_idle.back());
            m_idle.pop_back();
            return reader;
        }
    }
    auto reader = std::make_unique<StoreReader>();
    QString error;
    if (!reader->open(m_storePath, m_fullTextPath, &error)) {
        qWarning() << "traceglass: cannot open a read connection:" << error;
        return nullptr;
    }
    return reader;
}

ReaderLease ReaderPool::lease()
{
    std::shared_ptr<ReaderPool> self = shared_from_this();
    return ReaderLease(
        acquire().release(), [self](StoreReader *r) { self->release(std::unique_ptr<StoreReader>(r)); });
}

void ReaderPool::release(std::unique_ptr<StoreReader> reader)
{
    if (!reader)
        return;
    std::lock_guard lock(m_mutex);
    if (m_idle.size() < kMaxIdleReaders)
        m_idle.push_back(std::move(reader));
}

} // namespace tg
