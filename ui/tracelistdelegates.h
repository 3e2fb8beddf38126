#pragma once

#include <QStyledItemDelegate>

namespace tg {

/// The error/warning marker of a trace row: an icon in the level colour with the count.
class TraceLevelDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(
        QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

/// Tags as small rounded chips (agent:Name tags tinted like agents).
class TagsDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(
        QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace tg
