#include "tracelistdelegates.h"

#include "domain/observationtype.h"
#include "icons.h"
#include "itemmodels/modelroles.h"
#include "theme.h"

#include <QApplication>
#include <QPainter>

namespace tg {

namespace {

void paintBackground(QPainter *painter, const QStyleOptionViewItem &option)
{
    QStyleOptionViewItem opt = option;
    opt.text.clear();
    opt.icon = QIcon();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
}

QColor selectedText(const QStyleOptionViewItem &option)
{
    const QPalette::ColorGroup group
        = (option.state & QStyle::State_Active) ? QPalette::Active : QPalette::Inactive;
    return option.palette.color(group, QPalette::HighlightedText);
}

} // namespace

void TraceLevelDelegate::paint(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    paintBackground(painter, opt);
    const QString text = opt.text;
    if (text.isEmpty())
        return;
    const bool selected = opt.state & QStyle::State_Selected;
    const bool error = index.data(ErrorCountRole).toInt() > 0;
    const QColor color = selected ? selectedText(opt)
        : error                   ? theme::errorColor(opt.palette)
                                  : theme::warningColor(opt.palette);
    const QRect r = opt.rect.adjusted(4, 0, -4, 0);
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    painter->drawPixmap(r.left(), r.top() + (r.height() - 14) / 2,
        icons::pixmap(error ? QStringLiteral("error") : QStringLiteral("warning"), 14, dpr, color));
    painter->save();
    painter->setPen(color);
    painter->drawText(r.adjusted(19, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
        opt.fontMetrics.elidedText(text, Qt::ElideRight, r.width() - 19));
    painter->restore();
}

void TagsDelegate::paint(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    paintBackground(painter, opt);
    const QStringList tags = index.data(TagsRole).toStringList();
    if (tags.isEmpty())
        return;
    const bool selected = opt.state & QStyle::State_Selected;
    QFont font = opt.font;
    font.setPointSizeF(font.pointSizeF() * 0.9);
    const QFontMetrics fm(font);
    const int height = std::min(opt.rect.height() - 6, fm.height() + 2);
    int x = opt.rect.left() + 4;
    const int right = opt.rect.right() - 4;
    painter->save();
    painter->setFont(font);
    painter->setRenderHint(QPainter::Antialiasing);
    for (int i = 0; i < tags.size(); ++i) {
        const QString &tag = tags[i];
        const bool agent = tag.startsWith(u"agent:");
        const QColor accent
            = agent ? theme::typeColor(ObservationType::Agent, opt.palette) : theme::mutedText(opt.palette);
        int width = fm.horizontalAdvance(tag) + 10;
        if (x + width > right) {
            const QString more = QStringLiteral("+%1").arg(tags.size() - i);
            painter->setPen(selected ? selectedText(opt) : theme::mutedText(opt.palette));
            painter->drawText(QRect(x, opt.rect.top(), right - x + 1, opt.rect.height()),
                Qt::AlignVCenter | Qt::AlignLeft, more);
            break;
        }
        const QRect chip(x, opt.rect.top() + (opt.rect.height() - height) / 2, width, height);
        painter->setPen(Qt::NoPen);
        painter->setBrush(selected ? QColor(255, 255, 255, 50)
                                   : theme::mix(opt.palette.color(QPalette::Base), accent, 0.16));
        painter->drawRoundedRect(chip, 4, 4);
        painter->setPen(selected ? selectedText(opt) : (agent ? accent : opt.palette.color(QPalette::Text)));
        painter->drawText(chip, Qt::AlignCenter, tag);
        x += width + 4;
    }
    painter->restore();
}

} // namespace tg
