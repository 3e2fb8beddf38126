#include "receiversettingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tg {

namespace {

QString randomKey(const char *prefix)
{
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return QString::fromLatin1(prefix) + QString::fromLatin1(bytes.toHex());
}

} // namespace

ReceiverSettingsDialog::ReceiverSettingsDialog(const ReceiverSettings &settings, QWidget *parent)
    : QDialog(parent)
    , m_enabled(new QCheckBox(tr("Start the receiver when Traceglass starts")))
    , m_address(new QComboBox)
    , m_httpPort(new QSpinBox)
    , m_grpcEnabled(new QCheckBox(tr("OTLP/gRPC on port")))
    , m_grpcPort(new QSpinBox)
    , m_maxBody(new QSpinBox)
    , m_cors(new QLineEdit)
    , m_publicKey(new QLineEdit)
    , m_secretKey(new QLineEdit)
    , m_error(new QLabel)
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
    , m_hasStoredSecret(!settings.publicKey.isEmpty())
{
    setObjectName(QStringLiteral("receiverSettingsDialog"));
    setWindowTitle(tr("Receiver Settings"));

    m_enabled->setObjectName(QStringLiteral("enabledCheck"));
    m_enabled->setChecked(settings.enabled);
    m_address->setObjectName(QStringLiteral("addressCombo"));
    m_address->setEditable(true);
    m_address->addItem(QStringLiteral("127.0.0.1"));
    m_address->addItem(QStringLiteral("::1"));
    m_address->addItem(QStringLiteral("0.0.0.0"));
    m_address->setCurrentText(settings.address);
    m_address->setToolTip(tr("127.0.0.1 and ::1 accept data from this computer only. Any other address "
                             "lets other machines send data, and then the receiver requires keys."));
    m_httpPort->setObjectName(QStringLiteral("httpPortSpin"));
    m_httpPort->setRange(1, 65535);
    m_httpPort->setValue(settings.httpPort);
    m_grpcEnabled->setObjectName(QStringLiteral("grpcCheck"));
    m_grpcEnabled->setChecked(settings.grpcEnabled);
    m_grpcPort->setObjectName(QStringLiteral("grpcPortSpin"));
    m_grpcPort->setRange(1, 65535);
    m_grpcPort->setValue(settings.grpcPort);
    m_maxBody->setObjectName(QStringLiteral("maxBodySpin"));
    m_maxBody->setRange(1, 2048);
    m_maxBody->setSuffix(tr(" MiB"));
    m_maxBody->setValue(settings.maxBodyMiB);
    m_maxBody->setToolTip(tr("Larger requests are refused with 413, also after decompression."));
    m_cors->setObjectName(QStringLiteral("corsEdit"));
    m_cors->setPlaceholderText(tr("none (e.g. http://localhost:3000, separated by commas)"));
    m_cors->setText(settings.corsOrigins.join(QStringLiteral(", ")));
    m_cors->setToolTip(tr("Browser origins allowed to send traces (web apps tracing from the page)."));
    m_publicKey->setObjectName(QStringLiteral("publicKeyEdit"));
    m_publicKey->setPlaceholderText(tr("none: any keys are accepted"));
    m_publicKey->setText(settings.publicKey);
    m_secretKey->setObjectName(QStringLiteral("secretKeyEdit"));
    m_secretKey->setEchoMode(QLineEdit::Password);
    m_secretKey->setPlaceholderText(
        settings.publicKey.isEmpty() ? tr("none") : tr("unchanged (kept in the keychain)"));
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b3261e"));

    auto *grpcRow = new QHBoxLayout;
    grpcRow->addWidget(m_grpcPort);
    grpcRow->addStretch(1);
    auto *form = new QFormLayout;
    form->addRow(m_enabled);
    form->addRow(tr("Listen on:"), m_address);
    form->addRow(tr("OTLP/HTTP and Langfuse API port:"), m_httpPort);
    form->addRow(m_grpcEnabled, grpcRow);
    form->addRow(tr("Largest request body:"), m_maxBody);
    form->addRow(tr("Allowed browser origins (CORS):"), m_cors);

    auto *keys = new QGroupBox(tr("Receiver keys"));
    auto *keysForm = new QFormLayout(keys);
    auto *generate = new QPushButton(tr("Generate"));
    generate->setObjectName(QStringLiteral("generateKeysButton"));
    auto *note = new QLabel(tr("Clients send these like Langfuse keys (HTTP Basic). Required when "
                               "listening beyond this computer; the secret is kept in the system keychain."));
    note->setWordWrap(true);
    auto *publicRow = new QHBoxLayout;
    publicRow->addWidget(m_publicKey, 1);
    publicRow->addWidget(generate);
    keysForm->addRow(note);
    keysForm->addRow(tr("Public key:"), publicRow);
    keysForm->addRow(tr("Secret key:"), m_secretKey);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(keys);
    layout->addWidget(m_error);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(generate, &QPushButton::clicked, this, &ReceiverSettingsDialog::generateKeys);
    connect(m_grpcEnabled, &QCheckBox::toggled, m_grpcPort, &QWidget::setEnabled);
    for (QLineEdit *edit : { m_cors, m_publicKey, m_secretKey })
        connect(edit, &QLineEdit::textChanged, this, &ReceiverSettingsDialog::validate);
    connect(m_address, &QComboBox::currentTextChanged, this, &ReceiverSettingsDialog::validate);
    for (QSpinBox *spin : { m_httpPort, m_grpcPort, m_maxBody })
        connect(spin, &QSpinBox::valueChanged, this, &ReceiverSettingsDialog::validate);
    connect(m_grpcEnabled, &QCheckBox::toggled, this, &ReceiverSettingsDialog::validate);
    m_grpcPort->setEnabled(settings.grpcEnabled);
    validate();
}

ReceiverSettings ReceiverSettingsDialog::settings() const
{
    ReceiverSettings s;
    s.enabled = m_enabled->isChecked();
    s.address = m_address->currentText().trimmed();
    s.httpPort = quint16(m_httpPort->value());
    s.grpcPort = quint16(m_grpcPort->value());
    s.grpcEnabled = m_grpcEnabled->isChecked();
    s.maxBodyMiB = m_maxBody->value();
    for (const QString &origin : m_cors->text().split(u',', Qt::SkipEmptyParts)) {
        const QString trimmed = origin.trimmed();
        if (!trimmed.isEmpty())
            s.corsOrigins << trimmed;
    }
    s.publicKey = m_publicKey->text().trimmed();
    return s;
}

QString ReceiverSettingsDialog::newSecretKey() const
{
    return m_secretKey->text().trimmed();
}

void ReceiverSettingsDialog::generateKeys()
{
    m_publicKey->setText(randomKey("pk-tg-"));
    m_secretKey->setEchoMode(QLineEdit::Normal); // shown once, so it can be copied
    m_secretKey->setText(randomKey("sk-tg-"));
}

void ReceiverSettingsDialog::validate()
{
    QString error;
    ReceiverSettings s = settings();
    bool ok = s.validate(&error);
    if (ok && !s.publicKey.isEmpty() && newSecretKey().isEmpty() && !m_hasStoredSecret) {
        error = tr("Enter the secret key that goes with the public key (or press Generate).");
        ok = false;
    }
    m_error->setText(error);
    m_error->setVisible(!ok);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

} // namespace tg
