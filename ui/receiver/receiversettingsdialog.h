#pragma once

#include "receiversettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace tg {

/// Receiver settings: start at launch, address, ports, body limit, CORS origins and keys.
class ReceiverSettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ReceiverSettingsDialog(const ReceiverSettings &settings, QWidget *parent = nullptr);

    ReceiverSettings settings() const;
    /// A new secret key typed or generated here; empty = keep the stored one.
    QString newSecretKey() const;

private:
    void validate();
    void generateKeys();

    QCheckBox *m_enabled;
    QComboBox *m_address;
    QSpinBox *m_httpPort;
    QCheckBox *m_grpcEnabled;
    QSpinBox *m_grpcPort;
    QSpinBox *m_maxBody;
    QLineEdit *m_cors;
    QLineEdit *m_publicKey;
    QLineEdit *m_secretKey;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    bool m_hasStoredSecret; ///< keys were set before: an empty secret field keeps the old one
};

} // namespace tg
