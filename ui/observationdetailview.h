#pragma once

#include "detailcontent.h"
#include "domain/rows.h"

#include <QWidget>

class QLabel;
class QTabWidget;
class QTextBrowser;
class QToolButton;

namespace tg {

class ChatView;
class JsonView;

/// The detail pane of the trace view for one observation (or the trace itself): a header with
/// the facts that matter (type, duration, time to first token, model, tokens with cached and
/// reasoning counts, cost, level and status message, prompt), copy-id and "Open in Langfuse"
/// buttons, and tabs: the conversation as chat, every field in detail, and the raw input, output
/// and metadata as searchable JSON trees.
class ObservationDetailView : public QWidget
{
    Q_OBJECT

public:
    enum Tab { ChatTab, DetailsTab, InputTab, OutputTab, MetadataTab };

    explicit ObservationDetailView(QWidget *parent = nullptr);

    /// Shows content prepared off the GUI thread (DetailContent::load).
    void showContent(DetailContent content);
    /// Convenience for rows already read (parses on the calling thread).
    void showObservation(const ObservationDetail &detail, const std::vector<ScoreRow> &scores = {});
    void showTrace(const TraceDetail &detail, const std::vector<ScoreRow> &scores = {});
    void showMessage(const QString &text);
    /// Highlights a search term in the chat and finds it in the JSON tabs when they are shown.
    void setHighlight(const QString &text);

    /// Everything shown as text (header, chat and details), for tests and copying.
    QString plainText() const;
    const DetailContent &content() const { return m_content; }
    ChatView *chatView() const { return m_chat; }
    QTextBrowser *detailsView() const { return m_details; }
    JsonView *jsonView(Tab tab) const;
    QTabWidget *tabs() const { return m_tabs; }
    /// The Langfuse page of what is shown (invalid for local sources).
    QUrl langfuseUrl() const;

    void copyId();
    void copyTraceId();
    void openInLangfuse();

Q_SIGNALS:
    void statusMessage(const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    void render();
    QString detailsHtml() const;
    void onDetailsAnchor(const QUrl &url);
    void onTabChanged(int index);

    DetailContent m_content;
    QLabel *m_icon;
    QLabel *m_title;
    QLabel *m_facts;
    QLabel *m_status;
    QToolButton *m_copyButton;
    QToolButton *m_langfuseButton;
    QTabWidget *m_tabs;
    ChatView *m_chat;
    QTextBrowser *m_details;
    JsonView *m_input;
    JsonView *m_output;
    JsonView *m_metadata;
    QString m_highlight;
    QString m_jsonSearched[3];
};

} // namespace tg
