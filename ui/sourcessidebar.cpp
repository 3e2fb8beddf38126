#include "sourcessidebar.h"

#include "icons.h"
#include "itemmodels/sourcelistmodel.h"
#include "theme.h"

#include <QApplication>
#include <QHeaderView>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QTreeView>
#include <QVBoxLayout>

namespace tg {

namespace {

QString iconFor(const QModelIndex &index)
{
    if (!index.data(SourceListModel::SourceKindRole).isValid())
        return QStringLiteral("stack");
    switch (static_cast<SourceKind>(index.data(SourceListModel::SourceKindRole).toInt())) {
    case SourceKind::LocalReceiver:
        return QStringLiteral("receiver");
    case SourceKind::File:
        return QStringLiteral("file");
    case SourceKind::Langfuse:
        return QStringLiteral("cloud");
    case SourceKind::Replays:
        return QStringLiteral("replay");
    case SourceKind::Demo:
        return QStringLiteral("demo");
    }
    return QStringLiteral("stack");
}

/// Name column: kind icon, name (groups in bold), the state on a second line with a dot.
class SourceDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        const int line = option.fontMetrics.height();
        const bool hasState = !index.siblingAtColumn(0).data(SourceListModel::StateRole).toString().isEmpty();
        size.setHeight(hasState ? line * 2 + 8 : line + 10);
        return size;
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();
        QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
        const bool selected = opt.state & QStyle::State_Selected;
        const QColor textColor
            = selected ? opt.palette.color(QPalette::HighlightedText) : opt.palette.color(QPalette::Text);
        const QColor muted = selected ? textColor : theme::mutedText(opt.palette);
        const int line = opt.fontMetrics.height();
        QRect r = opt.rect.adjusted(4, 0, -4, 0);
        painter->save();
        if (index.column() != 0) {
            painter->setPen(muted);
            painter->drawText(r.adjusted(0, 4, 0, 0), Qt::AlignTop | Qt::AlignRight, text);
            painter->restore();
            return;
        }
        const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
        const int top = r.top() + 5;
        painter->drawPixmap(r.left(), top + (line - 16) / 2, icons::pixmap(iconFor(index), 16, dpr, muted));
        r.setLeft(r.left() + 22);
        QFont font = opt.font;
        if (index.data(SourceListModel::IsGroupRole).toBool() || !index.parent().isValid())
            font.setWeight(QFont::DemiBold);
        painter->setFont(font);
        painter->setPen(textColor);
        painter->drawText(QRect(r.left(), top, r.width(), line), Qt::AlignVCenter | Qt::AlignLeft,
            QFontMetrics(font).elidedText(text, Qt::ElideRight, r.width()));
        const QString state = index.data(SourceListModel::StateRole).toString();
        if (!state.isEmpty()) {
            const auto kind
                = static_cast<SourceListModel::StateKind>(index.data(SourceListModel::StateKindRole).toInt());
            QColor dot = theme::mutedText(opt.palette);
            if (kind == SourceListModel::StateKind::Active)
                dot = theme::typeColor(ObservationType::Retriever, opt.palette);
            else if (kind == SourceListModel::StateKind::Warning)
                dot = theme::warningColor(opt.palette);
            else if (kind == SourceListModel::StateKind::Error)
                dot = theme::errorColor(opt.palette);
            painter->setRenderHint(QPainter::Antialiasing);
            painter->setPen(Qt::NoPen);
            painter->setBrush(dot);
            const int y = top + line + 2;
            painter->drawEllipse(QRectF(r.left(), y + line / 2.0 - 3, 6, 6));
            QFont small = opt.font;
            small.setPointSizeF(small.pointSizeF() * 0.9);
            painter->setFont(small);
            painter->setPen(muted);
            painter->drawText(QRect(r.left() + 10, y, r.width() - 10, line), Qt::AlignVCenter | Qt::AlignLeft,
                QFontMetrics(small).elidedText(state, Qt::ElideRight, r.width() - 10));
        }
        painter->restore();
    }
};

} // namespace

SourcesSidebar::SourcesSidebar(TraceStore *store, QWidget *parent)
    : QWidget(parent)
    , m_model(new SourceListModel(store, this))
    , m_view(new QTreeView(this))
{
    setObjectName(QStringLiteral("sourcesSidebar"));
    m_view->setObjectName(QStringLiteral("sourcesView"));
    m_view->setModel(m_model);
    m_view->setItemDelegate(new SourceDelegate(m_view));
    m_view->setRootIsDecorated(true);
    m_view->setHeaderHidden(true);
    m_view->setIndentation(14);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(SourceListModel::NameColumn, QHeaderView::Stretch);
    m_view->header()->setSectionResizeMode(SourceListModel::TracesColumn, QHeaderView::ResizeToContents);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setFrameShape(QFrame::NoFrame);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_view);

    connect(m_model, &SourceListModel::loaded, this, [this] {
        m_view->expandAll();
        if (!m_view->currentIndex().isValid())
            m_view->setCurrentIndex(m_model->allSourcesIndex());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
        [this](const QModelIndex &current) { Q_EMIT sourcesSelected(m_model->sourceIdsFor(current)); });
    m_model->reload();
}

QList<qint64> SourcesSidebar::selectedSourceIds() const
{
    return m_model->sourceIdsFor(m_view->currentIndex());
}

void SourcesSidebar::selectSource(qint64 sourceId)
{
    const QModelIndex index = sourceId == 0 ? m_model->allSourcesIndex() : m_model->indexForSource(sourceId);
    if (index.isValid())
        m_view->setCurrentIndex(index);
}

} // namespace tg
