#include "connectappdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace tg {

ConnectAppDialog::ConnectAppDialog(QWidget *parent)
    : QDialog(parent)
    , m_summary(new QLabel(this))
    , m_tabs(new QTabWidget(this))
{
    setObjectName(QStringLiteral("connectAppDialog"));
    setWindowTitle(tr("Connect your app"));
    m_summary->setObjectName(QStringLiteral("connectSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tabs->setObjectName(QStringLiteral("connectTabs"));
    m_tabs->setDocumentMode(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);
    resize(860, 680);
}

void ConnectAppDialog::setEndpoints(const ConnectEndpoints &endpoints, bool running)
{
    if (m_built && endpoints.http == m_endpoints.http && endpoints.grpc == m_endpoints.grpc
        && endpoints.publicKey == m_endpoints.publicKey && running == m_running)
        return;
    m_endpoints = endpoints;
    m_running = running;
    m_built = true;

    QString summary;
    if (running) {
        summary = tr("Traceglass is receiving traces on <b>%1</b> (OTLP/HTTP protobuf and JSON, and the "
                     "Langfuse API)")
                      .arg(endpoints.http.toHtmlEscaped());
        if (!endpoints.grpc.isEmpty())
            summary += tr(" and <b>%1</b> (OTLP/gRPC)").arg(endpoints.grpc.toHtmlEscaped());
        summary += tr(". Point your app at it with one of these, and its traces appear here as they "
                      "arrive.");
    } else {
        summary = tr("<span style='color:#b3261e'>The receiver is not running.</span> Start it from the "
                     "Receiver menu; these snippets use the configured address %1.")
                      .arg(endpoints.http.toHtmlEscaped());
    }
    if (!endpoints.publicKey.isEmpty())
        summary += tr("<br>The receiver checks keys: use public key <code>%1</code> and its secret key.")
                       .arg(endpoints.publicKey.toHtmlEscaped());
    m_summary->setText(summary);

    const int current = m_tabs->currentIndex();
    while (m_tabs->count() > 0) {
        QWidget *page = m_tabs->widget(0);
        m_tabs->removeTab(0);
        page->deleteLater();
    }
    const QList<ConnectSnippet> snippets = connectSnippets(endpoints);
    using Group = ConnectSnippet::Group;
    for (const auto &[group, title] : { std::pair { Group::OpenTelemetry, tr("OpenTelemetry SDK") },
             std::pair { Group::Langfuse, tr("Langfuse SDK") },
             std::pair { Group::LiteLlm, tr("LiteLLM") } }) {
        auto *content = new QWidget;
        auto *column = new QVBoxLayout(content);
        for (const ConnectSnippet &snippet : snippets) {
            if (snippet.group == group)
                column->addWidget(makeSnippet(snippet));
        }
        column->addStretch(1);
        auto *scroll = new QScrollArea;
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(content);
        m_tabs->addTab(scroll, title);
    }
    m_tabs->setCurrentIndex(std::max(0, current));
}

QWidget *ConnectAppDialog::makeSnippet(const ConnectSnippet &snippet)
{
    auto *box = new QWidget;
    auto *title = new QLabel(QStringLiteral("<b>%1</b>").arg(snippet.title.toHtmlEscaped()));
    auto *copy = new QPushButton(tr("Copy"));
    copy->setObjectName(QStringLiteral("copyButton"));
    copy->setToolTip(tr("Copy to the clipboard"));
    auto *text = new QPlainTextEdit(snippet.text.trimmed());
    text->setObjectName(QStringLiteral("snippetText"));
    text->setReadOnly(true);
    text->setLineWrapMode(QPlainTextEdit::NoWrap);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    const int lines = int(snippet.text.trimmed().count(u'\n')) + 1;
    const QFontMetrics metrics(text->font());
    // Tall enough for every line, plus room for a horizontal scroll bar on narrow windows.
    text->setFixedHeight(metrics.lineSpacing() * lines + 2 * int(text->document()->documentMargin())
        + 2 * text->frameWidth() + metrics.lineSpacing() / 2);
    const QString clip = snippet.text.trimmed() + u'\n';
    connect(copy, &QPushButton::clicked, copy, [copy, clip] {
        QGuiApplication::clipboard()->setText(clip);
        copy->setText(tr("Copied"));
        QTimer::singleShot(1500, copy, [copy] { copy->setText(tr("Copy")); });
    });
    auto *head = new QHBoxLayout;
    head->setContentsMargins(0, 0, 0, 0);
    head->addWidget(title, 1);
    head->addWidget(copy);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 4, 0, 8);
    layout->addLayout(head);
    layout->addWidget(text);
    return box;
}

QStringList ConnectAppDialog::snippetTexts() const
{
    QStringList texts;
    for (int i = 0; i < m_tabs->count(); ++i) {
        for (const QPlainTextEdit *edit : m_tabs->widget(i)->findChildren<QPlainTextEdit *>())
            texts << edit->toPlainText();
    }
    return texts;
}

} // namespace tg
