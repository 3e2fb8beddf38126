#pragma once

#include "replay/replayrecord.h"

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QScrollArea;
class QSplitter;
class QToolBar;

namespace tg {

class ReplayContext;
class RequestEditor;
class VariantColumn;

/// Replays one recorded GENERATION: its messages, tools, model and parameters are read from the
/// store (off the GUI thread) into an editor with the fidelity report; variant columns run the
/// edited request against providers side by side (one prompt, several models), stream their
/// output, and show a word diff against the recording or another variant. Every finished replay is
/// stored under the Replays source and can be sent to a Langfuse project.
class ReplayWindow : public QWidget
{
    Q_OBJECT

public:
    ReplayWindow(ReplayContext *context, qint64 observationRk, QWidget *parent = nullptr);
    ~ReplayWindow() override;

    bool isLoaded() const { return m_origin.has_value(); }
    const std::optional<ReplayOrigin> &origin() const { return m_origin; }
    qint64 observationRk() const { return m_observationRk; }
    RequestEditor *editor() const { return m_editor; }
    QList<VariantColumn *> variants() const;
    VariantColumn *recordedColumn() const { return m_recordedColumn; }
    /// Adds a variant column (provider and model of the last one, the next letter).
    VariantColumn *addVariant();
    /// Runs every variant with the edited request.
    void runAll();
    /// The Langfuse connection replays are sent to (empty: none).
    QComboBox *sendTarget() const { return m_sendTo; }
    QCheckBox *saveReplays() const { return m_save; }
    QLabel *statusLabel() const { return m_status; }
    QSplitter *splitter() const { return m_splitter; }

Q_SIGNALS:
    void loaded(bool ok);
    /// A variant finished (and, when saving, its replay was stored: `traceId`).
    void replayFinished(tg::VariantColumn *column);
    void replayStored(const QString &traceId);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void load();
    struct Loaded;
    void onLoaded(Loaded result);
    void run(VariantColumn *column);
    void onFinished(VariantColumn *column);
    void removeVariant(VariantColumn *column);
    void updateBaselines();
    void refreshSendTargets();
    void showStatus(const QString &text, bool error = false);
    QString nextLabel() const;

    ReplayContext *m_context;
    qint64 m_observationRk;
    std::optional<ReplayOrigin> m_origin;
    QLabel *m_title;
    QLabel *m_facts;
    QToolBar *m_toolbar;
    QCheckBox *m_save;
    QComboBox *m_sendTo;
    QSplitter *m_splitter;
    RequestEditor *m_editor;
    QScrollArea *m_variantScroll;
    QWidget *m_variantBody;
    QHBoxLayout *m_variantLayout;
    VariantColumn *m_recordedColumn = nullptr;
    QLabel *m_status;
};

} // namespace tg
