#pragma once

#include "store/tracequery.h"

#include <QDialog>
#include <QPointer>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace tg {

class BatchReplayRunner;
class ReplayContext;

/// Which traces a batch replays: a list of row keys, or a filter resolved when it starts.
struct BatchScope
{
    QString label; ///< "3 selected traces", "the filtered list", "session s-42"
    QList<qint64> traceRks;
    std::optional<TraceFilter> filter;
};

/// Replays the generations of many traces (a selection, the filtered list, a session) with a new
/// model and/or system prompt: progress, a concurrency limit, cancel, and a summary table of cost,
/// latency and token deltas and which outputs changed, with totals.
class BatchReplayDialog : public QDialog
{
    Q_OBJECT

public:
    /// At most this many traces of a filter are replayed.
    static constexpr int kMaxFilteredTraces = 1000;

    BatchReplayDialog(ReplayContext *context, QList<BatchScope> scopes, QWidget *parent = nullptr);
    ~BatchReplayDialog() override;

    QComboBox *scopeBox() const { return m_scope; }
    QComboBox *providerBox() const { return m_provider; }
    QComboBox *modelBox() const { return m_model; }
    QComboBox *systemModeBox() const { return m_systemMode; }
    QPlainTextEdit *systemPromptEdit() const { return m_systemPrompt; }
    QSpinBox *concurrencyBox() const { return m_concurrency; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *cancelButton() const { return m_cancel; }
    QProgressBar *progressBar() const { return m_progress; }
    QLabel *totalsLabel() const { return m_totals; }
    QTableView *table() const { return m_table; }
    BatchReplayRunner *runner() const;

    void start();
    void cancel();

Q_SIGNALS:
    void finished(bool cancelled);

private:
    void begin(class ChatProvider *provider, const QList<qint64> &traceRks);
    void setBusy(bool busy);
    void setStatus(const QString &text, bool error = false);

    ReplayContext *m_context;
    QList<BatchScope> m_scopes;
    QComboBox *m_scope;
    QComboBox *m_provider;
    QComboBox *m_model;
    QComboBox *m_systemMode;
    QPlainTextEdit *m_systemPrompt;
    QCheckBox *m_setTemperature;
    QDoubleSpinBox *m_temperature;
    QSpinBox *m_concurrency;
    QCheckBox *m_save;
    QPushButton *m_start;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    QLabel *m_totals;
    QLabel *m_status;
    QTableView *m_table;
    QPointer<BatchReplayRunner> m_runner;
    bool m_starting = false;
};

} // namespace tg
