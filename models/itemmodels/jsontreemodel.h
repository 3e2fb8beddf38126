#pragma once

#include "mapping/flatjson.h"
#include "modelroles.h"

#include <QAbstractItemModel>
#include <QHash>

#include <memory>
#include <vector>

namespace tg {

/// A JSON document as a tree model for the raw JSON view. Built on FlatJson: the document is
/// parsed once (off the GUI thread, with parse()), children lists are made only for containers a
/// view opens, and strings are decoded only as far as a cell shows them, so multi-MB payloads
/// with 100,000-element arrays stay responsive. internalId() is the FlatJson node of the value.
class JsonTreeModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { KeyColumn, ValueColumn, TypeColumn, ColumnCount };
    enum Role {
        PathRole = tg::UserRole, ///< QString JSONPath ("$.messages[2].content")
        FullValueRole, ///< QString: a string decoded in full; other values as compact JSON
        KindRole, ///< int (FlatJson::Kind)
        NodeRole, ///< uint FlatJson node index
    };

    static constexpr quint32 kNoNode = 0xffffffffu;
    /// Characters a value cell shows before it is cut with "…".
    static constexpr int kPreviewChars = 160;

    explicit JsonTreeModel(QObject *parent = nullptr);

    /// Parses JSON text; safe on any thread. nullptr (with `error`) when the text is not JSON.
    static std::shared_ptr<const FlatJson> parse(const QByteArray &text, QString *error = nullptr);

    void setDocument(std::shared_ptr<const FlatJson> document);
    void clear();
    std::shared_ptr<const FlatJson> document() const { return m_doc; }

    quint32 nodeForIndex(const QModelIndex &index) const;
    /// The index of a value node, building the lists of its ancestors on the way.
    QModelIndex indexForNode(quint32 node, int column = 0) const;
    QString path(const QModelIndex &index) const;
    QString fullValue(const QModelIndex &index) const;
    QString keyText(const QModelIndex &index) const;

    /// Value nodes whose key or value text contains `text` (ASCII case-insensitive), in document
    /// order, at most `limit`; `truncated` tells whether more exist.
    std::vector<quint32> find(const QString &text, int limit = 10000, bool *truncated = nullptr) const;

    /// Human size: "512 B", "3.4 KB", "5.0 MB".
    static QString formatBytes(qint64 bytes);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    static constexpr quint32 kTop = 0xfffffffeu; ///< the parent of top-level rows

    const std::vector<quint32> &childrenOf(quint32 parent) const;
    FlatJsonValue value(quint32 node) const { return FlatJsonValue(m_doc.get(), node); }
    bool parentIsObject(quint32 node) const;
    QString preview(quint32 node) const;
    QString typeText(quint32 node) const;
    void ensureKeyMap() const;

    std::shared_ptr<const FlatJson> m_doc;
    quint32 m_topParent = kTop; ///< the root container, or kTop when the root is a scalar
    mutable QHash<quint32, std::vector<quint32>> m_children;
    mutable std::vector<quint32> m_parent; ///< per node, filled as children lists are made
    mutable std::vector<quint32> m_row;
    mutable std::vector<bool> m_isKey; ///< made on the first find()
    mutable QByteArray m_lowerText;
};

} // namespace tg
