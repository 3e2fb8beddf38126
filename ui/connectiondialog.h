#pragma once

#include "langfuse/langfuseconnection.h"
#include "langfuse/langfusesyncmanager.h"

#include <QDialog>
#include <QPointer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace tg {

class LangfuseClient;
struct LangfuseConnectionTest;

/// Langfuse connections: the list on the left (saved ones, then keys found in LANGFUSE_*
/// variables), the selected one's form on the right: name, server (Cloud EU/US/JP/HIPAA,
/// localhost, custom), public and secret key, plan, sync interval and lookback. Test Connection
/// asks /health and /projects with the form's values and shows the project, organisation and
/// server version, or what went wrong (keys, key scope, TLS with the certificate, DNS, refused,
/// timeout). Secret keys go to the keychain; when there is none, the dialog says so.
class ConnectionDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ConnectionDialog(LangfuseSyncManager *manager, QWidget *parent = nullptr);
    ~ConnectionDialog() override;

    /// Shows a connection's form (id "env" for the environment offer).
    void selectConnection(const QString &id);
    /// An empty form for a new connection.
    void startNew();
    /// The form as a connection (host normalised when valid); the id of the one being edited.
    LangfuseConnection formConnection() const;
    QString currentId() const { return m_currentId; }

    void testConnection();
    void save();
    /// Removes the selected connection, optionally with its cached traces (the button asks).
    void removeSelected(bool deleteCachedData);

    QListWidget *list() const { return m_list; }
    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *presetCombo() const { return m_preset; }
    QLineEdit *hostEdit() const { return m_host; }
    QLineEdit *publicKeyEdit() const { return m_publicKey; }
    QLineEdit *secretKeyEdit() const { return m_secretKey; }
    QComboBox *tierCombo() const { return m_tier; }
    QSpinBox *intervalSpin() const { return m_interval; }
    QSpinBox *lookbackSpin() const { return m_lookback; }
    QCheckBox *observationsCheck() const { return m_observations; }
    QPushButton *testButton() const { return m_test; }
    QPushButton *saveButton() const { return m_save; }
    QPushButton *removeButton() const { return m_remove; }
    QLabel *resultLabel() const { return m_result; }
    QLabel *storageLabel() const { return m_storage; }

Q_SIGNALS:
    void testFinished(bool ok, const QString &summary);
    void saveFinished(bool ok, const QString &message);

private:
    void reloadList();
    void fillForm(const LangfuseConnection &connection);
    void onPresetChanged(int index);
    void onHostEdited();
    void updateTierState();
    void updateStorageLabel();
    void showResult(bool ok, const QString &text, const QString &detail = {});
    void runTest(const LangfuseConnection &connection, const QString &secret);
    void askRemove();

    LangfuseSyncManager *m_manager; ///< outlives the window
    QString m_currentId; ///< empty for a new connection
    QListWidget *m_list;
    QLineEdit *m_name;
    QComboBox *m_preset;
    QLineEdit *m_host;
    QLineEdit *m_publicKey;
    QLineEdit *m_secretKey;
    QComboBox *m_tier;
    QLabel *m_tierNote;
    QSpinBox *m_interval;
    QSpinBox *m_lookback;
    QCheckBox *m_observations;
    QPushButton *m_add;
    QPushButton *m_remove;
    QPushButton *m_test;
    QPushButton *m_save;
    QLabel *m_result;
    QLabel *m_storage;
    QLabel *m_envNote;
    QObject *m_testContext = nullptr; ///< deleting it cancels a running test
    LangfuseClient *m_testClient = nullptr;
    bool m_filling = false;
    PlanTier m_lastCloudTier = PlanTier::Hobby;
};

} // namespace tg
