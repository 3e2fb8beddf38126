#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>

namespace tg {

/// Metrics-API answers, per source and exact query text, kept as small JSON files in a
/// directory (the app data dir's "metrics-cache"), so a chart reopened later or a budget that
/// ran out still has something to show. Not in the store: the answers are not trace data and
/// can be thrown away at any time. Used from one thread.
class MetricsCache
{
public:
    struct Entry
    {
        QByteArray body;
        qint64 fetchedNs = 0;
    };

    /// An empty directory keeps entries in memory only.
    explicit MetricsCache(QString directory = {});

    /// <AppLocalDataLocation>/metrics-cache
    static QString defaultDirectory();

    std::optional<Entry> lookup(const QString &sourceKey, const QByteArray &queryJson) const;
    void store(
        const QString &sourceKey, const QByteArray &queryJson, const QByteArray &body, qint64 fetchedNs);
    /// Removes entries fetched before `olderThanNs`; returns how many went.
    int prune(qint64 olderThanNs);
    QString directory() const { return m_directory; }

    /// A side file for small state (the call budget), next to the entries.
    QByteArray readState(const QString &name) const;
    void writeState(const QString &name, const QByteArray &content) const;

private:
    static QString keyOf(const QString &sourceKey, const QByteArray &queryJson);
    QString pathOf(const QString &key) const;

    QString m_directory;
    mutable QHash<QString, Entry> m_memory;
};

} // namespace tg
