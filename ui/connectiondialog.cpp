#include "connectiondialog.h"

#include "langfuse/langfuseclient.h"
#include "langfuse/langfusesyncmanager.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tg {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;

QString escape(const QString &text)
{
    return text.toHtmlEscaped().replace(u'\n', QLatin1String("<br>"));
}

} // namespace

ConnectionDialog::ConnectionDialog(LangfuseSyncManager *manager, QWidget *parent)
    : QDialog(parent)
    , m_manager(manager)
    , m_list(new QListWidget)
    , m_name(new QLineEdit)
    , m_preset(new QComboBox)
    , m_host(new QLineEdit)
    , m_publicKey(new QLineEdit)
    , m_secretKey(new QLineEdit)
    , m_tier(new QComboBox)
    , m_tierNote(new QLabel)
    , m_interval(new QSpinBox)
    , m_lookback(new QSpinBox)
    , m_observations(new QCheckBox(tr("Sync every observation (not only traces)")))
    , m_add(new QPushButton(tr("&Add")))
    , m_remove(new QPushButton(tr("&Remove…")))
    , m_test(new QPushButton(tr("&Test Connection")))
    , m_save(new QPushButton(tr("&Save")))
    , m_result(new QLabel)
    , m_storage(new QLabel)
    , m_envNote(new QLabel)
{
    setObjectName(QStringLiteral("connectionDialog"));
    setWindowTitle(tr("Langfuse Connections"));
    resize(860, 520);

    m_list->setObjectName(QStringLiteral("connectionList"));
    m_list->setMinimumWidth(230);
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_name->setPlaceholderText(tr("production"));
    m_preset->setObjectName(QStringLiteral("presetCombo"));
    for (const HostPreset &p : hostPresets())
        m_preset->addItem(p.url.isEmpty() ? p.label : QStringLiteral("%1 — %2").arg(p.label, p.url), p.url);
    m_host->setObjectName(QStringLiteral("hostEdit"));
    m_host->setPlaceholderText(QStringLiteral("https://langfuse.example.com"));
    m_publicKey->setObjectName(QStringLiteral("publicKeyEdit"));
    m_publicKey->setPlaceholderText(QStringLiteral("pk-lf-…"));
    m_secretKey->setObjectName(QStringLiteral("secretKeyEdit"));
    m_secretKey->setEchoMode(QLineEdit::Password);
    m_secretKey->setPlaceholderText(QStringLiteral("sk-lf-…"));
    m_tier->setObjectName(QStringLiteral("tierCombo"));
    for (PlanTier t : { PlanTier::Hobby, PlanTier::Core, PlanTier::Pro, PlanTier::SelfHosted })
        m_tier->addItem(planTierName(t), int(t));
    m_tierNote->setObjectName(QStringLiteral("tierNote"));
    m_tierNote->setWordWrap(true);
    m_interval->setObjectName(QStringLiteral("intervalSpin"));
    m_interval->setRange(0, 24 * 60);
    m_interval->setSuffix(tr(" min"));
    m_interval->setSpecialValueText(tr("manual only"));
    m_lookback->setObjectName(QStringLiteral("lookbackSpin"));
    m_lookback->setRange(1, 365);
    m_lookback->setSuffix(tr(" days"));
    m_observations->setObjectName(QStringLiteral("observationsCheck"));
    m_test->setObjectName(QStringLiteral("testButton"));
    m_save->setObjectName(QStringLiteral("saveButton"));
    m_save->setDefault(true);
    m_add->setObjectName(QStringLiteral("addButton"));
    m_remove->setObjectName(QStringLiteral("removeButton"));
    m_result->setObjectName(QStringLiteral("resultLabel"));
    m_result->setWordWrap(true);
    m_result->setTextFormat(Qt::RichText);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setMinimumHeight(60);
    m_result->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_storage->setObjectName(QStringLiteral("storageLabel"));
    m_storage->setWordWrap(true);
    m_envNote->setObjectName(QStringLiteral("environmentNote"));
    m_envNote->setWordWrap(true);

    auto *left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_add);
    listButtons->addWidget(m_remove);
    left->addLayout(listButtons);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("Ser&ver:"), m_preset);
    form->addRow(QString(), m_host);
    form->addRow(tr("&Public key:"), m_publicKey);
    form->addRow(tr("S&ecret key:"), m_secretKey);
    form->addRow(tr("P&lan:"), m_tier);
    form->addRow(QString(), m_tierNote);
    auto *syncRow = new QHBoxLayout;
    syncRow->addWidget(m_interval);
    syncRow->addWidget(new QLabel(tr("looking back")));
    syncRow->addWidget(m_lookback);
    syncRow->addStretch();
    auto *syncLabel = new QLabel(tr("S&ync every:"));
    syncLabel->setBuddy(m_interval);
    form->addRow(syncLabel, syncRow);
    form->addRow(QString(), m_observations);
    auto *right = new QVBoxLayout;
    right->addWidget(m_envNote);
    right->addLayout(form);
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_test);
    actions->addStretch();
    actions->addWidget(m_save);
    right->addLayout(actions);
    right->addWidget(m_result, 1);

    auto *columns = new QHBoxLayout;
    columns->addLayout(left);
    columns->addLayout(right, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *main = new QVBoxLayout(this);
    main->addLayout(columns, 1);
    main->addWidget(m_storage);
    main->addWidget(buttons);

    connect(m_preset, &QComboBox::currentIndexChanged, this, &ConnectionDialog::onPresetChanged);
    connect(m_host, &QLineEdit::textEdited, this, &ConnectionDialog::onHostEdited);
    connect(m_host, &QLineEdit::textChanged, this, &ConnectionDialog::updateTierState);
    connect(m_host, &QLineEdit::editingFinished, this, [this] {
        const QString normalized = normalizeHost(m_host->text());
        if (!normalized.isEmpty() && normalized != m_host->text())
            m_host->setText(normalized);
    });
    connect(m_test, &QPushButton::clicked, this, &ConnectionDialog::testConnection);
    connect(m_save, &QPushButton::clicked, this, &ConnectionDialog::save);
    connect(m_add, &QPushButton::clicked, this, &ConnectionDialog::startNew);
    connect(m_remove, &QPushButton::clicked, this, &ConnectionDialog::askRemove);
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item && !m_filling)
            selectConnection(item->data(kIdRole).toString());
    });

    if (m_manager) {
        ConnectionRegistry *registry = m_manager->registry();
        connect(registry, &ConnectionRegistry::connectionsChanged, this, &ConnectionDialog::reloadList);
        connect(registry, &ConnectionRegistry::storageChanged, this, &ConnectionDialog::updateStorageLabel);
        registry->credentials()->probe(); // so the dialog can say where keys go before any is saved
    }
    reloadList();
    updateStorageLabel();
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        startNew();
}

ConnectionDialog::~ConnectionDialog() = default;

void ConnectionDialog::reloadList()
{
    if (!m_manager)
        return;
    m_filling = true;
    m_list->clear();
    QListWidgetItem *current = nullptr;
    for (const LangfuseConnection &c : m_manager->registry()->connections()) {
        auto *item = new QListWidgetItem(m_list);
        const QString host = QUrl(c.host).host();
        if (c.fromEnvironment) {
            item->setText(tr("%1\nfrom LANGFUSE_* variables — not saved").arg(c.name));
            QFont f = item->font();
            f.setItalic(true);
            item->setFont(f);
        } else {
            item->setText(QStringLiteral("%1\n%2").arg(c.name, host));
        }
        item->setData(kIdRole, c.id);
        item->setToolTip(c.host);
        if (c.id == m_currentId)
            current = item;
    }
    if (current)
        m_list->setCurrentItem(current);
    m_filling = false;
}

void ConnectionDialog::selectConnection(const QString &id)
{
    if (!m_manager)
        return;
    const std::optional<LangfuseConnection> c = m_manager->registry()->connection(id);
    if (!c)
        return;
    m_currentId = id;
    fillForm(*c);
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(kIdRole).toString() == id && m_list->currentRow() != i) {
            m_filling = true;
            m_list->setCurrentRow(i);
            m_filling = false;
        }
    }
}

void ConnectionDialog::startNew()
{
    m_currentId.clear();
    m_filling = true;
    m_list->clearSelection();
    m_list->setCurrentRow(-1);
    m_filling = false;
    LangfuseConnection c;
    c.host = hostPresets().first().url;
    fillForm(c);
    m_name->setFocus();
}

void ConnectionDialog::fillForm(const LangfuseConnection &c)
{
    m_filling = true;
    m_name->setText(c.name);
    const int preset = presetIndexForHost(c.host);
    m_preset->setCurrentIndex(preset);
    m_host->setText(c.host);
    m_host->setReadOnly(!hostPresets().value(preset).url.isEmpty());
    m_publicKey->setText(c.publicKey);
    m_secretKey->clear();
    const bool stored = !c.id.isEmpty() && !c.fromEnvironment;
    m_secretKey->setPlaceholderText(c.fromEnvironment ? tr("from LANGFUSE_SECRET_KEY")
            : stored                                  ? tr("stored — leave empty to keep it")
                                                      : QStringLiteral("sk-lf-…"));
    m_lastCloudTier = c.tier == PlanTier::SelfHosted ? PlanTier::Hobby : c.tier;
    m_tier->setCurrentIndex(std::max(0, m_tier->findData(int(m_lastCloudTier))));
    m_interval->setValue(c.syncIntervalMinutes);
    m_lookback->setValue(c.lookbackDays);
    m_observations->setChecked(c.syncObservations);
    m_remove->setEnabled(!c.id.isEmpty());
    m_remove->setText(c.fromEnvironment ? tr("&Dismiss") : tr("&Remove…"));
    m_save->setText(c.fromEnvironment ? tr("&Save to Keychain") : tr("&Save"));
    m_envNote->setVisible(c.fromEnvironment);
    m_envNote->setText(
        tr("These keys come from the LANGFUSE_PUBLIC_KEY / LANGFUSE_SECRET_KEY environment "
           "variables. Save them to keep the connection (the secret key goes to the keychain), "
           "or dismiss them."));
    m_result->clear();
    m_filling = false;
    updateTierState();
}

void ConnectionDialog::onPresetChanged(int index)
{
    if (m_filling)
        return;
    const QString url = hostPresets().value(index).url;
    m_host->setReadOnly(!url.isEmpty());
    if (!url.isEmpty())
        m_host->setText(url);
    else
        m_host->setFocus();
}

void ConnectionDialog::onHostEdited()
{
    const QString normalized = normalizeHost(m_host->text());
    const int preset = presetIndexForHost(normalized);
    if (preset != m_preset->currentIndex() && !hostPresets().value(preset).url.isEmpty()) {
        m_filling = true;
        m_preset->setCurrentIndex(preset);
        m_filling = false;
    }
}

void ConnectionDialog::updateTierState()
{
    const bool cloud = isCloudHost(normalizeHost(m_host->text()));
    // Self-hosted shows as such; the Cloud plan chosen before comes back for a Cloud host.
    const PlanTier shown = PlanTier(m_tier->currentData().toInt());
    if (cloud && shown == PlanTier::SelfHosted)
        m_tier->setCurrentIndex(m_tier->findData(int(m_lastCloudTier)));
    else if (!cloud && shown != PlanTier::SelfHosted) {
        m_lastCloudTier = shown;
        m_tier->setCurrentIndex(m_tier->findData(int(PlanTier::SelfHosted)));
    }
    m_tier->setEnabled(cloud);
    m_tierNote->setText(cloud ? tr("Requests stay under this plan's Langfuse Cloud rate limits, shared by "
                                   "every connection of the same organisation.")
                              : tr("Self-hosted servers have no rate limits."));
}

void ConnectionDialog::updateStorageLabel()
{
    if (!m_manager)
        return;
    ConnectionRegistry *registry = m_manager->registry();
    const QString message = registry->storageMessage();
    if (message.isEmpty()) {
        m_storage->clear();
        return;
    }
    const bool safe = registry->keychainAvailable();
    m_storage->setText(safe ? message : QStringLiteral("⚠ ") + message);
    m_storage->setStyleSheet(safe ? QString() : QStringLiteral("color: #b35c00; font-weight: bold;"));
}

LangfuseConnection ConnectionDialog::formConnection() const
{
    LangfuseConnection c;
    if (m_manager && !m_currentId.isEmpty()) {
        if (const std::optional<LangfuseConnection> existing = m_manager->registry()->connection(m_currentId))
            c = *existing;
    }
    c.id = m_currentId;
    c.name = m_name->text().trimmed();
    const QString normalized = normalizeHost(m_host->text());
    c.host = normalized.isEmpty() ? m_host->text().trimmed() : normalized;
    c.publicKey = m_publicKey->text().trimmed();
    c.tier = isCloudHost(normalized) ? PlanTier(m_tier->currentData().toInt()) : PlanTier::SelfHosted;
    if (c.tier == PlanTier::SelfHosted && isCloudHost(normalized))
        c.tier = PlanTier::Hobby;
    c.syncIntervalMinutes = m_interval->value();
    c.lookbackDays = m_lookback->value();
    c.syncObservations = m_observations->isChecked();
    return c;
}

void ConnectionDialog::showResult(bool ok, const QString &text, const QString &detail)
{
    const QString color = ok ? QStringLiteral("#1a7f37") : QStringLiteral("#c62828");
    QString html = QStringLiteral("<p style='color:%1'><b>%2</b> %3</p>")
                       .arg(color, ok ? QStringLiteral("✓") : QStringLiteral("✗"), escape(text));
    if (!detail.isEmpty())
        html += QStringLiteral("<p style='color:#555'><small>%1</small></p>").arg(escape(detail));
    m_result->setText(html);
}

void ConnectionDialog::testConnection()
{
    if (!m_manager)
        return;
    const LangfuseConnection c = formConnection();
    QString hostError;
    if (normalizeHost(m_host->text(), &hostError).isEmpty()) {
        showResult(false, hostError);
        emit testFinished(false, hostError);
        return;
    }
    if (c.publicKey.isEmpty()) {
        showResult(false, tr("Enter the public key (pk-lf-…)."));
        emit testFinished(false, m_result->text());
        return;
    }
    const QString typed = m_secretKey->text().trimmed();
    if (!typed.isEmpty() || m_currentId.isEmpty()) {
        if (typed.isEmpty()) {
            showResult(false, tr("Enter the secret key (sk-lf-…)."));
            emit testFinished(false, m_result->text());
            return;
        }
        runTest(c, typed);
        return;
    }
    // Editing a saved connection without retyping its key: test with the stored one.
    m_test->setEnabled(false);
    m_manager->registry()->secret(m_currentId, this, [this, c](const CredentialResult &secret) {
        if (!secret.ok()) {
            m_test->setEnabled(true);
            showResult(false, tr("The stored secret key could not be read: %1").arg(secret.message));
            emit testFinished(false, secret.message);
            return;
        }
        runTest(c, secret.secret);
    });
}

void ConnectionDialog::runTest(const LangfuseConnection &c, const QString &secret)
{
    delete m_testContext; // a test still running is superseded
    m_testContext = new QObject(this);
    if (!m_testClient)
        m_testClient = new LangfuseClient(m_manager->transport(), this);
    LangfuseCredentials credentials;
    credentials.host = c.host;
    credentials.publicKey = c.publicKey;
    credentials.secretKey = secret;
    credentials.tier = c.effectiveTier();
    m_testClient->setCredentials(credentials);
    m_test->setEnabled(false);
    m_test->setText(tr("Testing…"));
    m_result->setText(tr("Asking %1…").arg(c.host.toHtmlEscaped()));
    QObject *context = m_testContext;
    m_testClient->testConnection(context, [this, context](const LangfuseConnectionTest &test) {
        if (context == m_testContext) {
            m_testContext = nullptr;
            context->deleteLater();
        }
        m_test->setEnabled(true);
        m_test->setText(tr("&Test Connection"));
        showResult(test.ok(), test.summary, test.ok() ? QString() : test.error.detail);
        emit testFinished(test.ok(), test.summary);
    });
}

void ConnectionDialog::save()
{
    if (!m_manager)
        return;
    LangfuseConnection c = formConnection();
    ConnectionRegistry *registry = m_manager->registry();
    auto savedId = std::make_shared<QString>();
    const QMetaObject::Connection watch = connect(registry, &ConnectionRegistry::connectionSaved, this,
        [savedId](const QString &id) { *savedId = id; });
    m_save->setEnabled(false);
    registry->save(c, m_secretKey->text(), this, [this, watch, savedId](bool ok, const QString &message) {
        disconnect(watch);
        m_save->setEnabled(true);
        if (!ok) {
            showResult(false, message);
            emit saveFinished(false, message);
            return;
        }
        m_secretKey->clear();
        if (!savedId->isEmpty()) {
            m_currentId = *savedId;
            reloadList();
            selectConnection(m_currentId);
        }
        if (message.isEmpty())
            showResult(true, tr("Saved. Syncing starts now."));
        else
            showResult(true, tr("Saved."), message); // e.g. "kept in memory for this session only"
        emit saveFinished(true, message);
    });
}

void ConnectionDialog::askRemove()
{
    if (m_currentId.isEmpty())
        return;
    if (m_currentId == QLatin1String(ConnectionRegistry::kEnvironmentId)) {
        removeSelected(false);
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Question, tr("Remove Connection"),
        tr("Remove the connection “%1”? Its secret key is removed from the keychain.").arg(m_name->text()),
        QMessageBox::Cancel, this);
    QPushButton *withData = box->addButton(tr("Remove with Cached Traces"), QMessageBox::DestructiveRole);
    QPushButton *keepData = box->addButton(tr("Remove, Keep Traces"), QMessageBox::AcceptRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, withData, keepData] {
        if (box->clickedButton() == withData)
            removeSelected(true);
        else if (box->clickedButton() == keepData)
            removeSelected(false);
    });
    box->open();
}

void ConnectionDialog::removeSelected(bool deleteCachedData)
{
    if (!m_manager || m_currentId.isEmpty())
        return;
    const QString id = m_currentId;
    m_manager->removeConnection(id, deleteCachedData, this, [this](bool ok, const QString &message) {
        if (!message.isEmpty())
            showResult(ok, message);
        if (m_list->count() > 0)
            m_list->setCurrentRow(0);
        else
            startNew();
    });
}

} // namespace tg
