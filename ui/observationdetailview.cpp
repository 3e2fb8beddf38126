#include "observationdetailview.h"

#include "chatview.h"
#include "domain/timeformat.h"
#include "icons.h"
#include "itemmodels/jsontreemodel.h"
#include "itemmodels/tracelistmodel.h"
#include "jsonview.h"
#include "langfuselinks.h"
#include "plural.h"
#include "theme.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace tg {

namespace {

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString number(qint64 value)
{
    return QLocale().toString(value);
}

QString usd(double value)
{
    if (value <= 0)
        return QStringLiteral("$0");
    return u'$' + QString::number(value, 'f', value < 0.01 ? 6 : 4);
}

} // namespace

ObservationDetailView::ObservationDetailView(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_title(new QLabel(this))
    , m_facts(new QLabel(this))
    , m_status(new QLabel(this))
    , m_copyButton(new QToolButton(this))
    , m_langfuseButton(new QToolButton(this))
    , m_tabs(new QTabWidget(this))
    , m_chat(new ChatView(m_tabs))
    , m_details(new QTextBrowser(m_tabs))
    , m_input(new JsonView(m_tabs))
    , m_output(new JsonView(m_tabs))
    , m_metadata(new JsonView(m_tabs))
{
    setObjectName(QStringLiteral("observationDetail"));
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setTextFormat(Qt::RichText);
    m_facts->setObjectName(QStringLiteral("detailFacts"));
    m_facts->setTextFormat(Qt::RichText);
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setObjectName(QStringLiteral("detailStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();

    m_copyButton->setObjectName(QStringLiteral("copyIdButton"));
    m_copyButton->setIcon(icons::icon(QStringLiteral("copy")));
    m_copyButton->setToolTip(tr("Copy the id (y); the menu has the trace id too"));
    m_copyButton->setPopupMode(QToolButton::MenuButtonPopup);
    m_copyButton->setAutoRaise(true);
    auto *copyMenu = new QMenu(m_copyButton);
    copyMenu->addAction(tr("Copy observation id"), this, &ObservationDetailView::copyId);
    copyMenu->addAction(tr("Copy trace id"), this, &ObservationDetailView::copyTraceId);
    m_copyButton->setMenu(copyMenu);
    connect(m_copyButton, &QToolButton::clicked, this, &ObservationDetailView::copyId);
    m_langfuseButton->setObjectName(QStringLiteral("openInLangfuseButton"));
    m_langfuseButton->setIcon(icons::icon(QStringLiteral("external")));
    m_langfuseButton->setText(tr("Open in Langfuse"));
    m_langfuseButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_langfuseButton->setAutoRaise(true);
    m_langfuseButton->hide();
    connect(m_langfuseButton, &QToolButton::clicked, this, &ObservationDetailView::openInLangfuse);

    m_details->setObjectName(QStringLiteral("detailsBrowser"));
    m_details->setOpenLinks(false);
    m_details->setFrameShape(QFrame::NoFrame);
    connect(m_details, &QTextBrowser::anchorClicked, this, &ObservationDetailView::onDetailsAnchor);
    m_input->setObjectName(QStringLiteral("inputJson"));
    m_output->setObjectName(QStringLiteral("outputJson"));
    m_metadata->setObjectName(QStringLiteral("metadataJson"));
    for (JsonView *view : { m_input, m_output, m_metadata })
        connect(view, &JsonView::statusMessage, this, &ObservationDetailView::statusMessage);

    m_tabs->setObjectName(QStringLiteral("detailTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_chat, icons::icon(QStringLiteral("chat")), tr("Chat"));
    m_tabs->addTab(m_details, icons::icon(QStringLiteral("details")), tr("Details"));
    m_tabs->addTab(m_input, icons::icon(QStringLiteral("json")), tr("Input"));
    m_tabs->addTab(m_output, icons::icon(QStringLiteral("json")), tr("Output"));
    m_tabs->addTab(m_metadata, icons::icon(QStringLiteral("json")), tr("Metadata"));
    connect(m_tabs, &QTabWidget::currentChanged, this, &ObservationDetailView::onTabChanged);

    auto *titleRow = new QHBoxLayout;
    titleRow->setSpacing(6);
    titleRow->addWidget(m_icon);
    titleRow->addWidget(m_title, 1);
    titleRow->addWidget(m_langfuseButton);
    titleRow->addWidget(m_copyButton);
    auto *header = new QVBoxLayout;
    header->setContentsMargins(10, 6, 8, 4);
    header->setSpacing(2);
    header->addLayout(titleRow);
    header->addWidget(m_facts);
    header->addWidget(m_status);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(header);
    layout->addWidget(m_tabs, 1);
    showMessage(tr("Select a trace to see its observations."));
}

JsonView *ObservationDetailView::jsonView(Tab tab) const
{
    switch (tab) {
    case InputTab:
        return m_input;
    case OutputTab:
        return m_output;
    case MetadataTab:
        return m_metadata;
    default:
        return nullptr;
    }
}

void ObservationDetailView::showMessage(const QString &text)
{
    m_content = DetailContent();
    m_icon->clear();
    m_title->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                         .arg(theme::mutedText(palette()).name(), esc(text)));
    m_facts->clear();
    m_status->hide();
    m_copyButton->setEnabled(false);
    m_langfuseButton->hide();
    m_chat->showMessage(text);
    m_details->clear();
    m_input->showMessage(text);
    m_output->showMessage(text);
    m_metadata->showMessage(text);
}

void ObservationDetailView::showObservation(
    const ObservationDetail &detail, const std::vector<ScoreRow> &scores)
{
    showContent(DetailContent::fromObservation(detail, scores));
}

void ObservationDetailView::showTrace(const TraceDetail &detail, const std::vector<ScoreRow> &scores)
{
    showContent(DetailContent::fromTrace(detail, scores));
}

void ObservationDetailView::showContent(DetailContent content)
{
    m_content = std::move(content);
    for (QString &s : m_jsonSearched)
        s.clear();
    render();
}

void ObservationDetailView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_content.isEmpty())
        render();
}

QUrl ObservationDetailView::langfuseUrl() const
{
    if (!m_content.source)
        return {};
    const QString traceId = m_content.observation ? m_content.observation->traceId
        : m_content.trace                         ? m_content.trace->row.id
                                                  : QString();
    return langfuseTraceUrl(
        *m_content.source, traceId, m_content.observation ? m_content.observation->row.id : QString());
}

void ObservationDetailView::render()
{
    const DetailContent &c = m_content;
    if (c.isEmpty()) {
        showMessage(tr("Nothing to show."));
        return;
    }
    const QPalette &pal = palette();
    const QString muted = theme::mutedText(pal).name();
    const auto chip = [&](const QString &label, const QString &value) {
        return QStringLiteral("<span style='color:%1'>%2</span>&nbsp;%3")
            .arg(muted, esc(label).replace(u' ', QStringLiteral("&nbsp;")),
                esc(value).replace(u' ', QStringLiteral("&nbsp;")));
    };
    QStringList facts;
    QString name;
    QString typeName;
    Level level = Level::Default;
    QString status;
    if (c.observation) {
        const ObservationDetail &o = *c.observation;
        const ObservationRow &r = o.row;
        name = r.name.isEmpty() ? r.id : r.name;
        typeName = observationTypeName(r.type);
        level = r.level;
        status = o.statusMessage;
        m_icon->setPixmap(icons::pixmap(
            icons::typeIconName(r.type), 18, devicePixelRatioF(), theme::typeColor(r.type, pal)));
        if (r.startNs >= 0 && r.endNs >= r.startNs)
            facts << chip(tr("duration"), formatDuration(r.endNs - r.startNs));
        if (o.completionStartNs >= 0 && r.startNs >= 0)
            facts << chip(tr("first token"), formatDuration(o.completionStartNs - r.startNs));
        if (!r.model.isEmpty())
            facts << chip(tr("model"), r.model);
        const qint64 in = o.usage.inputTokens();
        const qint64 out = o.usage.outputTokens();
        if (!o.usage.isEmpty()) {
            QString tokens = QStringLiteral("%1 → %2").arg(number(in), number(out));
            QStringList extra;
            if (o.usage.cachedTokens() > 0)
                extra << tr("%1 cached").arg(number(o.usage.cachedTokens()));
            if (o.usage.reasoningTokens() > 0)
                extra << tr("%1 reasoning").arg(number(o.usage.reasoningTokens()));
            if (!extra.isEmpty())
                tokens += QStringLiteral(" (") + extra.join(QStringLiteral(", ")) + u')';
            facts << chip(tr("tokens"), tokens);
        }
        const double cost = o.cost.isEmpty() ? r.cost : o.cost.total();
        if (cost > 0)
            facts << chip(tr("cost"), formatCost(cost));
        if (!o.promptName.isEmpty())
            facts << chip(tr("prompt"),
                o.promptVersion > 0 ? QStringLiteral("%1 v%2").arg(o.promptName).arg(o.promptVersion)
                                    : o.promptName);
    } else {
        const TraceRow &r = c.trace->row;
        name = r.name.isEmpty() ? r.id : r.name;
        typeName = tr("TRACE");
        level = r.level;
        m_icon->setPixmap(
            icons::pixmap(QStringLiteral("trace"), 18, devicePixelRatioF(), pal.color(QPalette::WindowText)));
        if (r.latencyNs >= 0)
            facts << chip(tr("latency"), formatDuration(r.latencyNs));
        facts << chip(tr("observations"), number(r.observationCount));
        if (r.totalTokens > 0)
            facts << chip(
                tr("tokens"), QStringLiteral("%1 → %2").arg(number(r.inputTokens), number(r.outputTokens)));
        if (r.cost > 0)
            facts << chip(tr("cost"), formatCost(r.cost));
        if (!r.userId.isEmpty())
            facts << chip(tr("user"), r.userId);
        if (!r.sessionId.isEmpty())
            facts << chip(tr("session"), r.sessionId);
        if (!r.agent.isEmpty())
            facts << chip(tr("agent"), r.agent);
        if (r.errorCount > 0)
            status = plural(r.errorCount, tr("1 observation failed"), tr("%1 observations failed"));
    }
    for (const ScoreRow &s : c.scores)
        facts << chip(s.name, s.stringValue.isEmpty() ? QString::number(s.value, 'g', 4) : s.stringValue);
    m_title->setText(QStringLiteral("<b>%1</b>&nbsp;&nbsp;<span style='color:%2'>%3</span>")
                         .arg(esc(name), muted, typeName));
    m_facts->setText(facts.join(QStringLiteral("&nbsp;&nbsp;·&nbsp;&nbsp;")));
    if (level == Level::Error || level == Level::Warning || !status.isEmpty()) {
        const QColor color = level == Level::Default ? theme::mutedText(pal) : theme::levelColor(level, pal);
        const QString text = (level == Level::Default ? QString() : levelName(level) + QStringLiteral(": "))
            + (status.isEmpty() ? tr("no status message") : status);
        m_status->setText(QStringLiteral("<span style='color:%1'>%2</span>").arg(color.name(), esc(text)));
        m_status->setTextFormat(Qt::RichText);
        m_status->show();
    } else {
        m_status->hide();
    }
    m_copyButton->setEnabled(true);
    m_langfuseButton->setVisible(langfuseUrl().isValid());

    const bool chat = c.input.isChat() || c.output.isChat();
    m_tabs->setTabText(ChatTab, chat ? tr("Chat") : tr("Preview"));
    m_chat->setConversation(c.input, c.output, c.rawInput(), c.rawOutput());
    m_chat->setHighlight(m_highlight);
    m_details->setHtml(detailsHtml());
    m_input->setDocument(c.inputJson, c.rawInput());
    m_output->setDocument(c.outputJson, c.rawOutput());
    m_metadata->setDocument(c.metadataJson, c.rawMetadata());
    onTabChanged(m_tabs->currentIndex());
}

QString ObservationDetailView::detailsHtml() const
{
    const DetailContent &c = m_content;
    const QPalette &pal = palette();
    const QString muted = theme::mutedText(pal).name();
    QString html;
    const auto section = [&](const QString &title) {
        html += QStringLiteral(
            "<h4 style='margin-top:12px;margin-bottom:4px'>%1</h4><table cellspacing='0' cellpadding='2'>")
                    .arg(esc(title));
    };
    const auto end = [&] { html += QStringLiteral("</table>"); };
    const auto row = [&](const QString &label, const QString &value, bool copy = false) {
        if (value.isEmpty())
            return;
        QString cell = esc(value);
        if (copy)
            cell += QStringLiteral(" &nbsp;<a href='copy:%1'>%2</a>")
                        .arg(QString::fromLatin1(QUrl::toPercentEncoding(value)), tr("copy"));
        html += QStringLiteral("<tr><td style='color:%1;padding-right:14px'>%2</td><td>%3</td></tr>")
                    .arg(muted, esc(label), cell);
    };
    const auto jsonObjectRows = [&](const QByteArray &json) {
        const QJsonObject object = QJsonDocument::fromJson(json).object();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QJsonValue v = it.value();
            QString text = v.isString()
                ? v.toString()
                : QString::fromUtf8(QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact))
                      .mid(1)
                      .chopped(1);
            row(it.key(), text.size() > 300 ? text.left(300) + QStringLiteral("…") : text);
        }
    };

    if (c.observation) {
        const ObservationDetail &o = *c.observation;
        const ObservationRow &r = o.row;
        section(tr("Observation"));
        row(tr("Name"), r.name);
        row(tr("Type"), observationTypeName(r.type));
        row(tr("Id"), r.id, true);
        row(tr("Trace id"), o.traceId, true);
        row(tr("Parent id"), r.parentId, true);
        if (c.source)
            row(tr("Source"), c.source->name);
        row(tr("Environment"), o.environment);
        row(tr("Version"), o.version);
        end();
        section(tr("Timing"));
        row(tr("Start"), r.startNs >= 0 ? formatIsoTimestampMicros(r.startNs) : QString());
        row(tr("End"), r.endNs >= 0 ? formatIsoTimestampMicros(r.endNs) : QString());
        if (r.startNs >= 0 && r.endNs >= r.startNs)
            row(tr("Latency"), formatDuration(r.endNs - r.startNs));
        if (o.completionStartNs >= 0 && r.startNs >= 0) {
            row(tr("Time to first token"), formatDuration(o.completionStartNs - r.startNs));
            const qint64 streaming = r.endNs - o.completionStartNs;
            if (streaming > 0 && o.usage.outputTokens() > 0)
                row(tr("Output speed"),
                    tr("%1 tokens/s")
                        .arg(QString::number(static_cast<double>(o.usage.outputTokens()) * 1e9
                                / static_cast<double>(streaming),
                            'f', 1)));
        }
        end();
        if (!r.model.isEmpty() || !o.modelParameters.isEmpty()) {
            section(tr("Model"));
            row(tr("Model"), r.model);
            jsonObjectRows(o.modelParameters);
            end();
        }
        if (!o.usage.isEmpty()) {
            section(tr("Usage (tokens)"));
            for (auto it = o.usage.values.cbegin(); it != o.usage.values.cend(); ++it)
                row(it.key(), number(it.value()));
            row(tr("cached input (sum)"),
                o.usage.cachedTokens() > 0 ? number(o.usage.cachedTokens()) : QString());
            row(tr("reasoning (sum)"),
                o.usage.reasoningTokens() > 0 ? number(o.usage.reasoningTokens()) : QString());
            end();
        }
        if (!o.cost.isEmpty()) {
            section(tr("Cost (USD)"));
            for (auto it = o.cost.values.cbegin(); it != o.cost.values.cend(); ++it)
                row(it.key(), usd(it.value()));
            end();
        }
        section(tr("Status"));
        row(tr("Level"), levelName(r.level));
        row(tr("Status message"), o.statusMessage);
        end();
        if (!o.promptName.isEmpty()) {
            section(tr("Prompt"));
            row(tr("Name"), o.promptName);
            row(tr("Version"), o.promptVersion > 0 ? QString::number(o.promptVersion) : QString());
            end();
        }
    } else if (c.trace) {
        const TraceDetail &t = *c.trace;
        const TraceRow &r = t.row;
        section(tr("Trace"));
        row(tr("Name"), r.name);
        row(tr("Id"), r.id, true);
        row(tr("Timestamp"), formatIsoTimestampMicros(r.timestampNs));
        row(tr("Latency"), formatDuration(r.latencyNs));
        row(tr("User"), r.userId, true);
        row(tr("Session"), r.sessionId, true);
        row(tr("Tags"), r.tags.join(QStringLiteral(", ")));
        row(tr("Agent"), r.agent);
        row(tr("Environment"), r.environment);
        row(tr("Release"), r.release);
        row(tr("Version"), r.version);
        row(tr("Public"), t.isPublic ? tr("yes") : QString());
        if (c.source)
            row(tr("Source"), c.source->name);
        end();
        section(tr("Totals"));
        row(tr("Observations"), number(r.observationCount));
        row(tr("Input tokens"), number(r.inputTokens));
        row(tr("Output tokens"), number(r.outputTokens));
        row(tr("Total tokens"), number(r.totalTokens));
        row(tr("Cost"), usd(r.cost));
        row(tr("Errors"), r.errorCount > 0 ? number(r.errorCount) : QString());
        row(tr("Warnings"), r.warningCount > 0 ? number(r.warningCount) : QString());
        end();
    }
    if (!c.scores.empty()) {
        html += QStringLiteral(
            "<h4 style='margin-top:12px;margin-bottom:4px'>%1</h4><table cellspacing='0' cellpadding='2'>")
                    .arg(tr("Scores"));
        for (const ScoreRow &s : c.scores) {
            const QString value = s.stringValue.isEmpty() ? QString::number(s.value, 'g', 6) : s.stringValue;
            html += QStringLiteral(
                "<tr><td style='padding-right:14px'><b>%1</b></td><td>%2</td><td "
                "style='color:%3;padding-left:10px'>%4</td><td style='padding-left:10px'>%5</td></tr>")
                        .arg(esc(s.name), esc(value), muted, esc(s.source), esc(s.comment));
        }
        html += QStringLiteral("</table>");
    }
    const QUrl url = langfuseUrl();
    if (url.isValid())
        html += QStringLiteral("<p><a href='%1'>%2</a></p>").arg(esc(url.toString()), tr("Open in Langfuse"));
    return html;
}

void ObservationDetailView::onDetailsAnchor(const QUrl &url)
{
    const QString text = url.toString();
    if (text.startsWith(u"copy:")) {
        const QString value = QUrl::fromPercentEncoding(text.mid(5).toLatin1());
        QApplication::clipboard()->setText(value);
        Q_EMIT statusMessage(tr("Copied %1").arg(value));
        return;
    }
    if (url.scheme() == u"http" || url.scheme() == u"https")
        QDesktopServices::openUrl(url);
}

void ObservationDetailView::setHighlight(const QString &text)
{
    m_highlight = text;
    m_chat->setHighlight(text);
    onTabChanged(m_tabs->currentIndex());
}

void ObservationDetailView::onTabChanged(int index)
{
    // The JSON tabs search on demand: finding in a multi-MB payload is only worth it when shown.
    const int slot = index - InputTab;
    if (slot < 0 || slot > 2 || m_highlight.isEmpty() || m_jsonSearched[slot] == m_highlight)
        return;
    m_jsonSearched[slot] = m_highlight;
    jsonView(static_cast<Tab>(index))->search(m_highlight);
}

QString ObservationDetailView::plainText() const
{
    QStringList parts { m_title->text(), m_facts->text(),
        !m_status->isHidden() ? m_status->text() : QString(), m_chat->toPlainText(),
        m_details->toPlainText() };
    QString text = parts.join(u'\n');
    static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
    text.remove(tags);
    return text.replace(QStringLiteral("&nbsp;"), QStringLiteral(" "));
}

void ObservationDetailView::copyId()
{
    QString id;
    if (m_content.observation)
        id = m_content.observation->row.id;
    else if (m_content.trace)
        id = m_content.trace->row.id;
    if (id.isEmpty())
        return;
    QApplication::clipboard()->setText(id);
    Q_EMIT statusMessage(tr("Copied %1").arg(id));
}

void ObservationDetailView::copyTraceId()
{
    const QString id = m_content.observation ? m_content.observation->traceId
        : m_content.trace                    ? m_content.trace->row.id
                                             : QString();
    if (id.isEmpty())
        return;
    QApplication::clipboard()->setText(id);
    Q_EMIT statusMessage(tr("Copied trace id %1").arg(id));
}

void ObservationDetailView::openInLangfuse()
{
    const QUrl url = langfuseUrl();
    if (url.isValid())
        QDesktopServices::openUrl(url);
}

} // namespace tg
