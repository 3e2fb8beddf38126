#pragma once

#include <QList>
#include <QMetaType>

namespace tg {

/// What one commit changed. Delivered with TraceStore::committed on the store's thread.
struct StoreChange
{
    qint64 seq = 0; ///< commit sequence number; rows carry the seq of their last write
    QList<qint64> insertedTraceRks; ///< traces created by this commit
    QList<qint64> updatedTraceRks; ///< existing traces whose fields or totals changed
    QList<qint64> sourceIds; ///< sources that received data
    int observationsWritten = 0;
    int tracesWritten = 0;
    int scoresWritten = 0;
    bool sourcesChanged = false; ///< a source was added, renamed or removed
    bool sessionsChanged = false;

    bool touchesTrace(qint64 rk) const
    {
        return insertedTraceRks.contains(rk) || updatedTraceRks.contains(rk);
    }
};

} // namespace tg

Q_DECLARE_METATYPE(tg::StoreChange)
