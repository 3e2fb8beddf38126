#include "spantreedelegate.h"

#include "domain/observationtype.h"
#include "icons.h"
#include "itemmodels/modelroles.h"
#include "itemmodels/spantree.h"
#include "itemmodels/spantreemodel.h"
#include "theme.h"

#include <QApplication>
#include <QPainter>
#include <QTreeView>

namespace tg {

namespace {

constexpr int kIconSize = 16;

bool isSelected(const QStyleOptionViewItem &option)
{
    return option.state & QStyle::State_Selected;
}

QColor selectedText(const QStyleOptionViewItem &option)
{
    const QPalette::ColorGroup group
        = (option.state & QStyle::State_Active) ? QPalette::Active : QPalette::Inactive;
    return option.palette.color(group, QPalette::HighlightedText);
}

qreal dprOf(const QPainter *painter)
{
    return painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
}

} // namespace

int paintBadge(QPainter *painter, const QRect &rect, const QString &text, const QColor &background,
    const QColor &foreground, Qt::Alignment alignment)
{
    QFont font = painter->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 0.85);
    const QFontMetrics fm(font);
    const int height = std::min(rect.height() - 4, fm.height() + 2);
    const int width = fm.horizontalAdvance(text) + 10;
    const int x = (alignment & Qt::AlignLeft) ? rect.left() : rect.right() - width + 1;
    const QRect pill(x, rect.top() + (rect.height() - height) / 2, width, height);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(background);
    painter->drawRoundedRect(pill, height / 2.0, height / 2.0);
    painter->setFont(font);
    painter->setPen(foreground);
    painter->drawText(pill, Qt::AlignCenter, text);
    painter->restore();
    return width;
}

QSize SpanItemDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setHeight(std::max(size.height(), option.fontMetrics.height() + 8));
    return size;
}

void SpanItemDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.data(SearchMatchRole).toBool())
        option->backgroundBrush = theme::matchBackground(option->palette);
    const auto level = static_cast<Level>(index.data(LevelRole).toInt());
    if (level == Level::Error || level == Level::Warning)
        option->palette.setColor(QPalette::Text, theme::levelColor(level, option->palette));
}

void SpanItemDelegate::paintBackground(QPainter *painter, const QStyleOptionViewItem &option) const
{
    QStyleOptionViewItem opt = option;
    opt.text.clear();
    opt.icon = QIcon();
    opt.features &= ~(QStyleOptionViewItem::HasDisplay | QStyleOptionViewItem::HasDecoration);
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
}

void SpanNameDelegate::paint(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    paintBackground(painter, opt);

    const bool selected = isSelected(opt);
    const QColor textColor = selected ? selectedText(opt) : opt.palette.color(QPalette::Text);
    const auto type = static_cast<ObservationType>(index.data(ObservationTypeRole).toInt());
    const auto level = static_cast<Level>(index.data(LevelRole).toInt());
    QRect r = opt.rect.adjusted(3, 0, -4, 0);

    const QColor iconColor = selected ? textColor : theme::typeColor(type, opt.palette);
    const QPixmap icon = icons::pixmap(icons::typeIconName(type), kIconSize, dprOf(painter), iconColor);
    painter->drawPixmap(r.left(), r.top() + (r.height() - kIconSize) / 2, icon);
    r.setLeft(r.left() + kIconSize + 6);

    // Badges from the right edge inwards.
    const auto *tree = qobject_cast<const QTreeView *>(opt.widget);
    const QModelIndex first = index.siblingAtColumn(0);
    const bool hasChildren = index.model()->hasChildren(first);
    const bool collapsed = hasChildren && tree && !tree->isExpanded(first);
    const int ownError = level == Level::Error ? 1 : 0;
    const int hiddenErrors = collapsed ? index.data(ErrorCountRole).toInt() - ownError : 0;
    if (hiddenErrors > 0) {
        const int w = paintBadge(painter, r, QString::number(hiddenErrors), theme::errorColor(opt.palette),
            opt.palette.color(QPalette::Base));
        r.setRight(r.right() - w - 4);
    }
    if (collapsed) {
        const int descendants = index.data(SpanTreeModel::DescendantCountRole).toInt();
        const QString more = QStringLiteral("+") + QString::number(descendants);
        painter->save();
        painter->setPen(selected ? textColor : theme::mutedText(opt.palette));
        const int w = opt.fontMetrics.horizontalAdvance(more);
        painter->drawText(
            QRect(r.right() - w, r.top(), w, r.height()), Qt::AlignVCenter | Qt::AlignRight, more);
        painter->restore();
        r.setRight(r.right() - w - 6);
    }
    if (index.data(TreeFlagsRole).toInt() != SpanTree::NoFlags) {
        const QColor c = selected ? textColor : theme::warningColor(opt.palette);
        painter->drawPixmap(r.right() - 13, r.top() + (r.height() - 14) / 2,
            icons::pixmap(QStringLiteral("warning"), 14, dprOf(painter), c));
        r.setRight(r.right() - 18);
    }

    QFont font = opt.font;
    if (ownError)
        font.setBold(true);
    painter->save();
    painter->setFont(font);
    painter->setPen(textColor);
    const QFontMetrics fm(font);
    const QString name
        = fm.elidedText(opt.text, Qt::ElideRight, std::max(0, r.width() - (ownError ? 20 : 0)));
    painter->drawText(r, Qt::AlignVCenter | Qt::AlignLeft, name);
    painter->restore();
    if (ownError) {
        const int x = r.left() + fm.horizontalAdvance(name) + 5;
        if (x + 14 <= r.right() + 1) {
            painter->drawPixmap(x, r.top() + (r.height() - 14) / 2,
                icons::pixmap(QStringLiteral("error"), 14, dprOf(painter),
                    selected ? textColor : theme::errorColor(opt.palette)));
        }
    }
}

void DurationBarDelegate::paint(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    paintBackground(painter, opt);
    const bool selected = isSelected(opt);
    const qint64 start = index.data(StartOffsetRole).toLongLong();
    const qint64 duration = index.data(DurationRole).toLongLong();
    const qint64 total = index.data(TraceDurationRole).toLongLong();
    const QRect area = opt.rect.adjusted(4, 4, -4, -4);
    if (start >= 0 && total > 0 && area.width() > 8) {
        const auto type = static_cast<ObservationType>(index.data(ObservationTypeRole).toInt());
        const auto level = static_cast<Level>(index.data(LevelRole).toInt());
        QColor color
            = level == Level::Error ? theme::errorColor(opt.palette) : theme::typeColor(type, opt.palette);
        if (selected)
            color = selectedText(opt);
        color.setAlphaF(selected ? 0.35f : 0.42f);
        const double w = area.width();
        const double x0 = area.left() + w * static_cast<double>(start) / static_cast<double>(total);
        const double width = duration > 0
            ? std::max(2.0, w * static_cast<double>(duration) / static_cast<double>(total))
            : 2.0;
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        painter->drawRoundedRect(
            QRectF(x0, area.top(), std::min(width, area.right() + 1 - x0), area.height()), 2, 2);
        painter->restore();
    }
    painter->save();
    painter->setPen(selected ? selectedText(opt) : opt.palette.color(QPalette::Text));
    painter->drawText(opt.rect.adjusted(4, 0, -6, 0), Qt::AlignVCenter | Qt::AlignRight, opt.text);
    painter->restore();
}

} // namespace tg
