#pragma once

#include "connectsnippets.h"

#include <QDialog>

class QLabel;
class QTabWidget;

namespace tg {

/// "Connect your app": copy-paste setup for OpenTelemetry SDKs, the Langfuse SDKs and LiteLLM,
/// filled in with the receiver's live endpoint. Refreshes in place when the endpoint changes.
class ConnectAppDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ConnectAppDialog(QWidget *parent = nullptr);

    /// `running` false shows the snippets for the configured address with a warning.
    void setEndpoints(const ConnectEndpoints &endpoints, bool running);
    QTabWidget *tabs() const { return m_tabs; }
    /// The snippet texts currently shown (for tests).
    QStringList snippetTexts() const;

private:
    QWidget *makeSnippet(const ConnectSnippet &snippet);

    QLabel *m_summary;
    QTabWidget *m_tabs;
    ConnectEndpoints m_endpoints;
    bool m_running = false;
    bool m_built = false;
};

} // namespace tg
