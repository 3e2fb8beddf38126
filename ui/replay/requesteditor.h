#pragma once

#include "replay/replayrequest.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QTabWidget;

namespace tg {

class MessageListEditor;
class ParameterForm;

/// The editable side of a replay: messages, tool definitions (JSON), parameters, and below them the
/// fidelity report (what the recording could not carry over, and what each provider's format drops).
class RequestEditor : public QWidget
{
    Q_OBJECT

public:
    explicit RequestEditor(QWidget *parent = nullptr);

    void setRequest(const ReplayRequest &request);
    /// The request as edited (the model is the caller's); false and `error` when something does not parse.
    bool request(ReplayRequest *out, QString *error) const;
    /// Adds a provider's conversion notes to the report ("Anthropic: seed not sent"), replacing
    /// earlier ones of the same `label`.
    void setProviderNotes(const QString &label, const std::vector<FidelityNote> &notes);

    MessageListEditor *messages() const { return m_messages; }
    QPlainTextEdit *toolsEdit() const { return m_tools; }
    ParameterForm *parameters() const { return m_parameters; }
    QListWidget *fidelityList() const { return m_fidelity; }
    QTabWidget *tabs() const { return m_tabs; }

Q_SIGNALS:
    void changed();

private:
    void renderFidelity();
    void updateTabTitles();

    QTabWidget *m_tabs;
    MessageListEditor *m_messages;
    QPlainTextEdit *m_tools;
    ParameterForm *m_parameters;
    QLabel *m_fidelityTitle;
    QListWidget *m_fidelity;
    std::vector<FidelityNote> m_notes;
    std::vector<std::pair<QString, std::vector<FidelityNote>>> m_providerNotes;
    ChatFormat m_format = ChatFormat::None;
};

} // namespace tg
