#pragma once

#include <QAbstractTableModel>
#include <QHash>

#include <algorithm>
#include <vector>

namespace tg {

/// A table model over a vector of rows that each carry a stable key (a store row key).
/// replaceRows() turns a freshly queried list into the minimal removals, moves (as one layout
/// change with persistent indexes remapped), insertions and dataChanged ranges, so that views
/// keep their selection, current index and scroll position while the data changes underneath.
template<typename Row, typename KeyOf> class KeyedRowsModel : public QAbstractTableModel
{
public:
    explicit KeyedRowsModel(QObject *parent = nullptr)
        : QAbstractTableModel(parent)
    {
    }

    int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
    }

    const Row *rowAt(int row) const
    {
        return row >= 0 && row < static_cast<int>(m_rows.size()) ? &m_rows[static_cast<size_t>(row)]
                                                                 : nullptr;
    }
    const std::vector<Row> &rows() const { return m_rows; }
    /// Row number of a key, or -1.
    int rowOfKey(qint64 key) const { return m_rowOfKey.value(key, -1); }

protected:
    /// Replaces everything with one reset (first load, new query).
    void resetRows(std::vector<Row> rows)
    {
        beginResetModel();
        m_rows = std::move(rows);
        rebuildKeys();
        endResetModel();
    }

    /// Appends a page (fetchMore); rows already present are skipped.
    void appendRows(std::vector<Row> rows)
    {
        std::erase_if(rows, [this](const Row &r) { return m_rowOfKey.contains(KeyOf {}(r)); });
        if (rows.empty())
            return;
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
        for (Row &r : rows) {
            m_rowOfKey.insert(KeyOf {}(r), static_cast<int>(m_rows.size()));
            m_rows.push_back(std::move(r));
        }
        endInsertRows();
    }

    /// Updates rows in place by key (no moves, no inserts); rows not present are ignored.
    void updateRows(const std::vector<Row> &rows)
    {
        for (const Row &r : rows) {
            const int at = rowOfKey(KeyOf {}(r));
            if (at < 0 || m_rows[static_cast<size_t>(at)] == r)
                continue;
            m_rows[static_cast<size_t>(at)] = r;
            Q_EMIT dataChanged(index(at, 0), index(at, columnCount() - 1));
        }
    }

    /// Makes the model hold `fresh`, in its order, with minimal signals.
    void replaceRows(std::vector<Row> fresh)
    {
        const KeyOf key;
        QHash<qint64, int> freshIndex;
        freshIndex.reserve(static_cast<qsizetype>(fresh.size()));
        for (size_t i = 0; i < fresh.size(); ++i)
            freshIndex.insert(key(fresh[i]), static_cast<int>(i));

        // 1. Removals, bottom up in contiguous ranges.
        for (int i = static_cast<int>(m_rows.size()) - 1; i >= 0;) {
            if (freshIndex.contains(key(m_rows[static_cast<size_t>(i)]))) {
                --i;
                continue;
            }
            int first = i;
            while (first > 0 && !freshIndex.contains(key(m_rows[static_cast<size_t>(first - 1)])))
                --first;
            beginRemoveRows({}, first, i);
            m_rows.erase(m_rows.begin() + first, m_rows.begin() + i + 1);
            endRemoveRows();
            i = first - 1;
        }
        rebuildKeys();

        // 2. Survivors in the fresh order: one layout change if their order differs.
        std::vector<qint64> survivorOrder;
        survivorOrder.reserve(m_rows.size());
        for (const Row &r : fresh) {
            if (m_rowOfKey.contains(key(r)))
                survivorOrder.push_back(key(r));
        }
        bool sameOrder = survivorOrder.size() == m_rows.size();
        for (size_t i = 0; sameOrder && i < m_rows.size(); ++i)
            sameOrder = key(m_rows[i]) == survivorOrder[i];
        if (!sameOrder) {
            Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
            const QModelIndexList persistent = persistentIndexList();
            std::vector<qint64> persistentKeys;
            persistentKeys.reserve(static_cast<size_t>(persistent.size()));
            for (const QModelIndex &idx : persistent)
                persistentKeys.push_back(key(m_rows[static_cast<size_t>(idx.row())]));
            std::vector<Row> reordered;
            reordered.reserve(m_rows.size());
            for (const qint64 k : survivorOrder)
                reordered.push_back(std::move(m_rows[static_cast<size_t>(m_rowOfKey.value(k))]));
            m_rows = std::move(reordered);
            rebuildKeys();
            QModelIndexList moved;
            moved.reserve(persistent.size());
            for (qsizetype i = 0; i < persistent.size(); ++i)
                moved.append(
                    index(m_rowOfKey.value(persistentKeys[static_cast<size_t>(i)]), persistent[i].column()));
            changePersistentIndexList(persistent, moved);
            Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
        }

        // 3. The survivors now match `fresh` in order; what is left are new rows. Insert them
        //    in contiguous runs and refresh the survivors whose data changed.
        for (int i = 0; i < static_cast<int>(fresh.size());) {
            const size_t at = static_cast<size_t>(i);
            if (at < m_rows.size() && key(m_rows[at]) == key(fresh[at])) {
                if (!(m_rows[at] == fresh[at])) {
                    m_rows[at] = std::move(fresh[at]);
                    Q_EMIT dataChanged(index(i, 0), index(i, columnCount() - 1));
                }
                ++i;
                continue;
            }
            int last = i;
            while (last + 1 < static_cast<int>(fresh.size())
                && !m_rowOfKey.contains(key(fresh[static_cast<size_t>(last + 1)])))
                ++last;
            beginInsertRows({}, i, last);
            m_rows.insert(m_rows.begin() + i, std::make_move_iterator(fresh.begin() + i),
                std::make_move_iterator(fresh.begin() + last + 1));
            rebuildKeys();
            endInsertRows();
            i = last + 1;
        }
    }

    std::vector<Row> m_rows;

private:
    void rebuildKeys()
    {
        m_rowOfKey.clear();
        m_rowOfKey.reserve(static_cast<qsizetype>(m_rows.size()));
        const KeyOf key;
        for (size_t i = 0; i < m_rows.size(); ++i)
            m_rowOfKey.insert(key(m_rows[i]), static_cast<int>(i));
    }

    QHash<qint64, int> m_rowOfKey;
};

} // namespace tg
