#pragma once

#include <QStyledItemDelegate>

namespace tg {

/// Shared look of span tree cells: search matches tinted, warnings and errors in level colours,
/// a fixed comfortable row height.
class SpanItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
    /// Background, selection and focus only (no text or icon).
    void paintBackground(QPainter *painter, const QStyleOptionViewItem &option) const;
};

/// The name cell: type icon in the type's colour, name in the level colour, an error badge with
/// the errors hidden inside a collapsed subtree, the size of a collapsed subtree, and a marker for
/// rows the tree had to repair (orphans, cycles, duplicates).
class SpanNameDelegate : public SpanItemDelegate
{
    Q_OBJECT

public:
    using SpanItemDelegate::SpanItemDelegate;
    void paint(
        QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

/// The duration cell: a bar placed by start offset and sized by duration relative to the whole
/// trace (StartOffsetRole, DurationRole, TraceDurationRole), with the duration over it.
class DurationBarDelegate : public SpanItemDelegate
{
    Q_OBJECT

public:
    using SpanItemDelegate::SpanItemDelegate;
    void paint(
        QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

/// Paints a small rounded badge with `text`; returns its width.
int paintBadge(QPainter *painter, const QRect &rect, const QString &text, const QColor &background,
    const QColor &foreground, Qt::Alignment alignment = Qt::AlignRight);

} // namespace tg
