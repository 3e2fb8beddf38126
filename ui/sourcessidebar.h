#pragma once

#include <QWidget>

class QTreeView;

namespace tg {

class SourceListModel;
class TraceStore;

/// The left sidebar: "All sources", then the sources grouped by kind (Langfuse projects under
/// their connection), with trace counts and each source's state (a coloured dot and a line of
/// text: receiver address, sync progress, offline, errors).
class SourcesSidebar : public QWidget
{
    Q_OBJECT

public:
    explicit SourcesSidebar(TraceStore *store, QWidget *parent = nullptr);

    SourceListModel *model() const { return m_model; }
    QTreeView *view() const { return m_view; }
    /// The source ids of the current selection (empty = all sources).
    QList<qint64> selectedSourceIds() const;
    void selectSource(qint64 sourceId);

Q_SIGNALS:
    void sourcesSelected(const QList<qint64> &sourceIds);

private:
    SourceListModel *m_model;
    QTreeView *m_view;
};

} // namespace tg
