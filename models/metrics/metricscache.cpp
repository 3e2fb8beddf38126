#include "metricscache.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace tg {

MetricsCache::MetricsCache(QString directory)
    : m_directory(std::move(directory))
{
    if (!m_directory.isEmpty())
        QDir().mkpath(m_directory);
}

QString MetricsCache::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)
        + QStringLiteral("/metrics-cache");
}

QString MetricsCache::keyOf(const QString &sourceKey, const QByteArray &queryJson)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(sourceKey.toUtf8());
    hash.addData(QByteArrayView("\n"));
    hash.addData(queryJson);
    return QString::fromLatin1(hash.result().toHex().left(40));
}

QString MetricsCache::pathOf(const QString &key) const
{
    return m_directory + u'/' + key + QStringLiteral(".json");
}

std::optional<MetricsCache::Entry> MetricsCache::lookup(
    const QString &sourceKey, const QByteArray &queryJson) const
{
    const QString key = keyOf(sourceKey, queryJson);
    if (const auto it = m_memory.constFind(key); it != m_memory.constEnd())
        return *it;
    if (m_directory.isEmpty())
        return std::nullopt;
    QFile file(pathOf(key));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
    // The file must be for this very query: a damaged or foreign file is ignored.
    if (o.value(QStringLiteral("source")).toString() != sourceKey
        || o.value(QStringLiteral("query")).toString().toUtf8() != queryJson
        || !o.value(QStringLiteral("body")).isString())
        return std::nullopt;
    Entry entry;
    entry.body = o.value(QStringLiteral("body")).toString().toUtf8();
    entry.fetchedNs = o.value(QStringLiteral("fetched")).toString().toLongLong();
    m_memory.insert(key, entry);
    return entry;
}

void MetricsCache::store(
    const QString &sourceKey, const QByteArray &queryJson, const QByteArray &body, qint64 fetchedNs)
{
    const QString key = keyOf(sourceKey, queryJson);
    m_memory.insert(key, { body, fetchedNs });
    if (m_directory.isEmpty())
        return;
    QJsonObject o;
    o.insert(QStringLiteral("source"), sourceKey);
    o.insert(QStringLiteral("query"), QString::fromUtf8(queryJson));
    o.insert(QStringLiteral("fetched"), QString::number(fetchedNs));
    o.insert(QStringLiteral("body"), QString::fromUtf8(body));
    QSaveFile file(pathOf(key));
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
        file.commit();
    }
}

int MetricsCache::prune(qint64 olderThanNs)
{
    int removed = 0;
    for (auto it = m_memory.begin(); it != m_memory.end();) {
        if (it->fetchedNs < olderThanNs) {
            it = m_memory.erase(it);
            ++removed;
        } else {
            ++it;
        }
    }
    if (m_directory.isEmpty())
        return removed;
    QDir dir(m_directory);
    for (const QString &name : dir.entryList({ QStringLiteral("*.json") }, QDir::Files)) {
        if (name.startsWith(QLatin1String("state-")))
            continue;
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
        file.close();
        if (o.value(QStringLiteral("fetched")).toString().toLongLong() < olderThanNs
            && QFile::remove(dir.filePath(name)))
            ++removed;
    }
    return removed;
}

QByteArray MetricsCache::readState(const QString &name) const
{
    if (m_directory.isEmpty())
        return {};
    QFile file(m_directory + QStringLiteral("/state-") + name + QStringLiteral(".json"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void MetricsCache::writeState(const QString &name, const QByteArray &content) const
{
    if (m_directory.isEmpty())
        return;
    QSaveFile file(m_directory + QStringLiteral("/state-") + name + QStringLiteral(".json"));
    if (file.open(QIODevice::WriteOnly)) {
        file.write(content);
        file.commit();
    }
}

} // namespace tg
