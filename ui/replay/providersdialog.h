#pragma once

#include "providers/providerconfig.h"

#include <QDialog>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace tg {

class ChatProvider;
class ReplayContext;

/// Add, edit and remove replay providers: presets for the common services, base URL, API key
/// (written to the keychain; the field never shows a stored key), default model with the provider's
/// model list, streaming and timeout.
class ProvidersDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ProvidersDialog(ReplayContext *context, QWidget *parent = nullptr);
    ~ProvidersDialog() override;

    QListWidget *list() const { return m_list; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *urlEdit() const { return m_url; }
    QLineEdit *keyEdit() const { return m_key; }
    QComboBox *modelBox() const { return m_model; }
    QComboBox *presetBox() const { return m_preset; }
    QPushButton *saveButton() const { return m_save; }
    QLabel *statusLabel() const { return m_status; }
    /// Starts a new provider from preset `index` (providerPresets()).
    void startNew(int presetIndex);

private:
    void reload(const QString &selectId = {});
    void showProvider(const QString &id);
    ProviderConfig formConfig() const;
    void save();
    void remove();
    void fetchModels();
    void setStatus(const QString &text, bool error = false);

    ReplayContext *m_context;
    QString m_currentId; ///< empty: a new provider
    QListWidget *m_list;
    QComboBox *m_preset;
    QLineEdit *m_name;
    QComboBox *m_kind;
    QLineEdit *m_url;
    QLineEdit *m_key;
    QCheckBox *m_clearKey;
    QComboBox *m_model;
    QPushButton *m_fetch;
    QCheckBox *m_streaming;
    QSpinBox *m_timeout;
    QPushButton *m_save;
    QPushButton *m_remove;
    QLabel *m_status;
    std::unique_ptr<ChatProvider> m_probe; ///< a provider built from the form, for the model list
};

} // namespace tg
