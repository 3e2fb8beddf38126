#include "replayhtml.h"

#include "domain/timeformat.h"
#include "itemmodels/tracelistmodel.h"
#include "theme.h"

#include <QCoreApplication>
#include <QLocale>

namespace tg::replayhtml {

namespace {

constexpr qint64 kNsPerMs = 1'000'000;

QString tr(const char *text)
{
    return QCoreApplication::translate("ReplayWindow", text);
}

QString escaped(const QString &text)
{
    return text.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>"));
}

QString pre(const QString &body)
{
    return QStringLiteral("<div style='white-space:pre-wrap'>%1</div>").arg(body);
}

} // namespace

QString diffHtml(const WordDiff &diff, const QPalette &palette)
{
    const bool dark = theme::isDark(palette);
    const QColor base = palette.color(QPalette::Base);
    const QColor green
        = theme::mix(base, dark ? QColor(0x3f, 0xb9, 0x50) : QColor(0x2d, 0xa4, 0x4e), dark ? 0.35 : 0.28);
    const QColor red
        = theme::mix(base, dark ? QColor(0xf8, 0x51, 0x49) : QColor(0xcf, 0x22, 0x2e), dark ? 0.35 : 0.22);
    const QColor redText = dark ? QColor(0xff, 0xa1, 0x98) : QColor(0x82, 0x07, 0x1e);
    QString html;
    for (const DiffRun &run : diff.runs) {
        switch (run.kind) {
        case DiffRun::Kind::Equal:
            html += escaped(run.text);
            break;
        case DiffRun::Kind::Insert:
            html += QStringLiteral("<span style='background-color:%1'>%2</span>")
                        .arg(green.name(), escaped(run.text));
            break;
        case DiffRun::Kind::Delete:
            html += QStringLiteral(
                "<span style='background-color:%1;color:%2;text-decoration:line-through'>%3</span>")
                        .arg(red.name(), redText.name(), escaped(run.text));
            break;
        }
    }
    return pre(html);
}

QString diffSummary(const WordDiff &diff)
{
    if (diff.identical())
        return tr("identical");
    QString text = QStringLiteral("+%1 −%2 %3, %4% alike")
                       .arg(diff.insertedWords)
                       .arg(diff.deletedWords)
                       .arg(tr("words"))
                       .arg(qRound(diff.similarity() * 100));
    if (diff.coarse)
        text += QStringLiteral(" (") + tr("too different for a word-by-word diff") + u')';
    return text;
}

QString textHtml(const QString &text)
{
    return pre(escaped(text));
}

QString outputHtml(const ReplayResult &result, const QPalette &palette)
{
    QString html;
    if (!result.thinking.isEmpty())
        html += QStringLiteral("<p style='color:%1'><i>%2</i></p>")
                    .arg(theme::mutedText(palette).name(), escaped(result.thinking.left(4000)));
    html += pre(escaped(result.text));
    if (!result.toolCalls.empty()) {
        const QColor box = theme::mix(palette.color(QPalette::Base), palette.color(QPalette::Text), 0.06);
        html += QStringLiteral(
            "<table width='100%' cellpadding='6' style='margin-top:6px;background-color:%1'><tr><td>")
                    .arg(box.name());
        for (const ReplayToolCall &call : result.toolCalls)
            html += QStringLiteral("<div style='font-family:monospace'>→ <b>%1</b> %2</div>")
                        .arg(call.name.toHtmlEscaped(), escaped(renderToolCalls({ call }).section(u' ', 2)));
        html += QStringLiteral("</td></tr></table>");
    }
    if (!result.error.isEmpty())
        html += QStringLiteral("<p style='color:%1'>%2</p>")
                    .arg(theme::errorColor(palette).name(), escaped(result.error));
    return html;
}

QString facts(const QString &finishReason, const UsageDetails &usage, qint64 latencyMs, qint64 ttftMs,
    const CostDetails &cost, const QString &costSource)
{
    QStringList parts;
    if (!finishReason.isEmpty())
        parts << finishReason;
    if (!usage.isEmpty())
        parts << tr("%1 in / %2 out")
                     .arg(QLocale().toString(usage.inputTokens()), QLocale().toString(usage.outputTokens()));
    if (latencyMs >= 0)
        parts << formatDuration(latencyMs * kNsPerMs);
    if (ttftMs >= 0)
        parts << tr("TTFT %1").arg(formatDuration(ttftMs * kNsPerMs));
    if (!cost.isEmpty()) {
        QString c = formatCost(cost.total());
        if (c.isEmpty())
            c = QStringLiteral("$0");
        if (!costSource.isEmpty())
            c += QStringLiteral(" (%1)").arg(costSource);
        parts << c;
    } else if (!usage.isEmpty()) {
        parts << tr("cost unknown");
    }
    return parts.join(QStringLiteral(" · "));
}

} // namespace tg::replayhtml
