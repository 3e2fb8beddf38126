#include "observationdetailview.h"

#include "domain/timeformat.h"
#include "itemmodels/tracelistmodel.h"

#include <QJsonDocument>
#include <QLocale>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace tg {

namespace {

QString row(const QString &label, const QString &value)
{
    if (value.isEmpty())
        return {};
    return QStringLiteral("<tr><td style='color:palette(mid);padding-right:12px'>%1</td><td>%2</td></tr>")
        .arg(label.toHtmlEscaped(), value.toHtmlEscaped());
}

QString section(const QString &title, const QByteArray &payload)
{
    if (payload.isEmpty() || payload == "null")
        return {};
    return QStringLiteral("<h3>%1</h3><pre style='white-space:pre-wrap'>%2</pre>")
        .arg(title.toHtmlEscaped(),
            prettyJson(payload, ObservationDetailView::kMaxInlinePayload).toHtmlEscaped());
}

QString scoresHtml(const std::vector<ScoreRow> &scores)
{
    if (scores.empty())
        return {};
    QString html = QStringLiteral("<h3>%1</h3><table>").arg(ObservationDetailView::tr("Scores"));
    for (const ScoreRow &s : scores) {
        const QString value = s.stringValue.isEmpty() ? QString::number(s.value) : s.stringValue;
        html += row(s.name, s.comment.isEmpty() ? value : value + QStringLiteral(" — ") + s.comment);
    }
    return html + QStringLiteral("</table>");
}

QString usageText(const UsageDetails &usage)
{
    QStringList parts;
    for (auto it = usage.values.cbegin(); it != usage.values.cend(); ++it)
        parts.append(QStringLiteral("%1 %2").arg(it.key(), QLocale().toString(it.value())));
    return parts.join(QStringLiteral(" · "));
}

QString costText(const CostDetails &cost)
{
    QStringList parts;
    for (auto it = cost.values.cbegin(); it != cost.values.cend(); ++it)
        parts.append(QStringLiteral("%1 $%2").arg(it.key()).arg(it.value(), 0, 'g', 6));
    return parts.join(QStringLiteral(" · "));
}

} // namespace

QString prettyJson(const QByteArray &json, qsizetype maxBytes)
{
    const QByteArray cut = json.size() > maxBytes ? json.left(maxBytes) : json;
    QString text;
    const QJsonDocument doc = QJsonDocument::fromJson(cut);
    if (!doc.isNull())
        text = QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    else if (cut.startsWith('"') && cut.endsWith('"') && cut.size() >= 2)
        text = QJsonDocument::fromJson("[" + cut + "]").array().at(0).toString();
    else
        text = QString::fromUtf8(cut);
    if (json.size() > maxBytes)
        text += ObservationDetailView::tr("\n… %1 more bytes not shown")
                    .arg(QLocale().toString(json.size() - maxBytes));
    return text;
}

ObservationDetailView::ObservationDetailView(QWidget *parent)
    : QWidget(parent)
    , m_browser(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("observationDetail"));
    m_browser->setObjectName(QStringLiteral("detailBrowser"));
    m_browser->setOpenLinks(false);
    m_browser->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_browser);
    showMessage(tr("Select a trace to see its observations."));
}

void ObservationDetailView::showMessage(const QString &text)
{
    m_browser->setHtml(QStringLiteral("<p style='color:palette(mid)'>%1</p>").arg(text.toHtmlEscaped()));
}

QString ObservationDetailView::plainText() const
{
    return m_browser->toPlainText();
}

void ObservationDetailView::showObservation(const ObservationDetail &d, const std::vector<ScoreRow> &scores)
{
    const ObservationRow &r = d.row;
    QString html = QStringLiteral("<h2>%1 <small style='color:palette(mid)'>%2</small></h2><table>")
                       .arg(r.name.toHtmlEscaped(), observationTypeName(r.type));
    html += row(tr("Id"), r.id);
    html += row(tr("Trace"), d.traceId);
    html += row(tr("Parent"), r.parentId);
    html += row(tr("Start"), formatIsoTimestampMicros(r.startNs));
    if (r.startNs >= 0 && r.endNs >= r.startNs)
        html += row(tr("Duration"), formatDuration(r.endNs - r.startNs));
    if (d.completionStartNs >= 0 && r.startNs >= 0)
        html += row(tr("Time to first token"), formatDuration(d.completionStartNs - r.startNs));
    html += row(tr("Level"), r.level == Level::Default ? QString() : levelName(r.level));
    html += row(tr("Status"), d.statusMessage);
    html += row(tr("Model"), r.model);
    html += row(tr("Usage"), usageText(d.usage));
    html += row(tr("Cost"), costText(d.cost));
    if (!d.promptName.isEmpty())
        html += row(tr("Prompt"), QStringLiteral("%1 v%2").arg(d.promptName).arg(d.promptVersion));
    html += row(tr("Environment"), d.environment);
    html += row(tr("Version"), d.version);
    html += QStringLiteral("</table>");
    html += section(tr("Model parameters"), d.modelParameters);
    html += section(tr("Input"), d.input);
    html += section(tr("Output"), d.output);
    html += section(tr("Metadata"), d.metadata);
    html += scoresHtml(scores);
    m_browser->setHtml(html);
}

void ObservationDetailView::showTrace(const TraceDetail &d, const std::vector<ScoreRow> &scores)
{
    const TraceRow &r = d.row;
    QString html = QStringLiteral("<h2>%1 <small style='color:palette(mid)'>%2</small></h2><table>")
                       .arg((r.name.isEmpty() ? r.id : r.name).toHtmlEscaped(), tr("TRACE"));
    html += row(tr("Id"), r.id);
    html += row(tr("Timestamp"), formatIsoTimestampMicros(r.timestampNs));
    html += row(tr("Latency"), formatDuration(r.latencyNs));
    html += row(tr("User"), r.userId);
    html += row(tr("Session"), r.sessionId);
    html += row(tr("Tags"), r.tags.join(QStringLiteral(", ")));
    html += row(tr("Environment"), r.environment);
    html += row(tr("Release"), r.release);
    html += row(tr("Version"), r.version);
    html += row(tr("Observations"), QLocale().toString(r.observationCount));
    html += row(tr("Tokens"),
        tr("%1 in · %2 out · %3 total")
            .arg(QLocale().toString(r.inputTokens), QLocale().toString(r.outputTokens),
                QLocale().toString(r.totalTokens)));
    html += row(tr("Cost"), formatCost(r.cost));
    html += QStringLiteral("</table>");
    html += section(tr("Input"), d.input);
    html += section(tr("Output"), d.output);
    html += section(tr("Metadata"), d.metadata);
    html += scoresHtml(scores);
    m_browser->setHtml(html);
}

} // namespace tg
