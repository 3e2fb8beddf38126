#pragma once

#include "replay/replayrequest.h"
#include "replay/replayresult.h"

#include <QFrame>
#include <QPointer>

class QComboBox;
class QLabel;
class QPushButton;
class QTextBrowser;
class QToolButton;

namespace tg {

class ChatRun;
class ReplayContext;

/// One column of the replay window: either the recorded output, or a variant (provider + model)
/// that runs the edited request, streams its output, and shows its facts (finish reason, tokens,
/// latency, time to first token, cost) and a word diff against the recording or another variant.
class VariantColumn : public QFrame
{
    Q_OBJECT

public:
    /// A variant that runs; `label` is "A", "B", ...
    VariantColumn(ReplayContext *context, const QString &label, QWidget *parent = nullptr);
    /// The read-only column of the recorded output.
    static VariantColumn *recorded(
        ReplayContext *context, const QString &text, const QString &facts, QWidget *parent);

    QString label() const { return m_label; }
    bool isRecorded() const { return m_recorded; }
    QString providerId() const;
    void setProviderId(const QString &id);
    QString model() const;
    void setModel(const QString &model);
    /// Refills the provider list (keeping the choice when it still exists).
    void refreshProviders();

    /// Runs `request` with this column's provider and model.
    void run(const ReplayRequest &request);
    void cancel();
    bool isRunning() const { return m_running; }
    bool hasResult() const { return m_hasResult; }
    const ReplayResult &result() const { return m_result; }
    /// What diffs compare: the recorded text, or this variant's output and tool calls.
    QString comparableText() const;
    /// The request as sent (model included) and the body, for storing.
    const ReplayRequest &sentRequest() const { return m_request; }
    const QByteArray &sentBody() const { return m_body; }
    const CostDetails &cost() const { return m_cost; }
    const QString &costSource() const { return m_costSource; }
    void setStoredTraceId(const QString &traceId);

    /// The texts this column may diff against ("Recorded", "A", ...); the choice is kept by label.
    void setBaselines(const QList<QPair<QString, QString>> &baselines);
    QString baseline() const;
    void setBaseline(const QString &label);

    QTextBrowser *output() const { return m_output; }
    QTextBrowser *diffView() const { return m_diff; }
    QLabel *factsLabel() const { return m_facts; }
    QPushButton *runButton() const { return m_runButton; }
    QComboBox *modelBox() const { return m_model; }

Q_SIGNALS:
    void runRequested(tg::VariantColumn *column);
    void removeRequested(tg::VariantColumn *column);
    void finished(tg::VariantColumn *column);
    /// What this provider's format could not express.
    void providerNotes(const QString &label, const std::vector<tg::FidelityNote> &notes);

protected:
    void changeEvent(QEvent *event) override;

private:
    void build(bool recorded);
    void start(class ChatProvider *provider);
    void finish(const ReplayResult &result);
    void fail(const QString &error);
    void setRunning(bool running);
    void fetchModels();
    void updateDiff();
    void renderOutput();

    ReplayContext *m_context;
    QString m_label;
    bool m_recorded = false;
    QString m_recordedText;
    QLabel *m_title = nullptr;
    QComboBox *m_provider = nullptr;
    QComboBox *m_model = nullptr;
    QToolButton *m_fetch = nullptr;
    QPushButton *m_runButton = nullptr;
    QToolButton *m_remove = nullptr;
    QLabel *m_facts = nullptr;
    QTextBrowser *m_output = nullptr;
    QComboBox *m_baseline = nullptr;
    QLabel *m_diffSummary = nullptr;
    QTextBrowser *m_diff = nullptr;
    QPointer<ChatRun> m_run;
    ReplayRequest m_request;
    QByteArray m_body;
    ReplayResult m_result;
    CostDetails m_cost;
    QString m_costSource;
    QString m_storedTraceId;
    bool m_running = false;
    bool m_hasResult = false;
    QList<QPair<QString, QString>> m_baselines;
    quint64 m_diffGeneration = 0;
};

} // namespace tg
