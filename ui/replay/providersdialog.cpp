#include "providersdialog.h"

#include "icons.h"
#include "providers/chatprovider.h"
#include "replaycontext.h"
#include "theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tg {

ProvidersDialog::ProvidersDialog(ReplayContext *context, QWidget *parent)
    : QDialog(parent)
    , m_context(context)
    , m_list(new QListWidget(this))
    , m_preset(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_url(new QLineEdit(this))
    , m_key(new QLineEdit(this))
    , m_clearKey(new QCheckBox(tr("Remove the stored key"), this))
    , m_model(new QComboBox(this))
    , m_fetch(new QPushButton(icons::icon(QStringLiteral("refresh")), tr("Fetch Models"), this))
    , m_streaming(new QCheckBox(tr("Stream the answer (SSE)"), this))
    , m_timeout(new QSpinBox(this))
    , m_save(new QPushButton(tr("Save"), this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("providersDialog"));
    setWindowTitle(tr("Replay Providers"));
    resize(760, 460);
    m_list->setObjectName(QStringLiteral("providerList"));
    m_list->setMinimumWidth(200);
    m_preset->setObjectName(QStringLiteral("providerPreset"));
    for (const ProviderPreset &p : providerPresets())
        m_preset->addItem(p.label);
    m_kind->addItem(providerKindName(ProviderKind::OpenAiCompatible), int(ProviderKind::OpenAiCompatible));
    m_kind->addItem(providerKindName(ProviderKind::Anthropic), int(ProviderKind::Anthropic));
    m_name->setObjectName(QStringLiteral("providerName"));
    m_url->setObjectName(QStringLiteral("providerUrl"));
    m_url->setPlaceholderText(QStringLiteral("https://api.openai.com/v1"));
    m_key->setObjectName(QStringLiteral("providerKey"));
    m_key->setEchoMode(QLineEdit::Password);
    m_model->setObjectName(QStringLiteral("providerModel"));
    m_model->setEditable(true);
    m_timeout->setRange(5, 3600);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setToolTip(tr("Longest wait for the first byte, and longest silence in a stream"));
    m_status->setObjectName(QStringLiteral("providerStatus"));
    m_status->setWordWrap(true);

    auto *add = new QPushButton(icons::icon(QStringLiteral("cloud")), tr("Add"), this);
    add->setObjectName(QStringLiteral("addProvider"));
    auto *left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    auto *leftButtons = new QHBoxLayout;
    leftButtons->addWidget(add);
    leftButtons->addWidget(m_remove);
    left->addLayout(leftButtons);

    auto *modelRow = new QHBoxLayout;
    modelRow->addWidget(m_model, 1);
    modelRow->addWidget(m_fetch);
    auto *form = new QFormLayout;
    form->addRow(tr("Preset"), m_preset);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Protocol"), m_kind);
    form->addRow(tr("Base URL"), m_url);
    form->addRow(tr("API key"), m_key);
    form->addRow(QString(), m_clearKey);
    form->addRow(tr("Default model"), modelRow);
    form->addRow(QString(), m_streaming);
    form->addRow(tr("Timeout"), m_timeout);
    auto *hint = new QLabel(tr("Keys go to the system keychain (%1) and never into settings or logs. Local "
                               "servers (Ollama, vLLM, llama.cpp) need no key.")
                                .arg(m_context->providers()->credentials()->statusMessage().isEmpty()
                                        ? tr("QtKeychain")
                                        : m_context->providers()->credentials()->statusMessage()),
        this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto *right = new QVBoxLayout;
    right->addLayout(form);
    right->addWidget(hint);
    right->addStretch(1);
    right->addWidget(m_status);
    auto *rightButtons = new QHBoxLayout;
    rightButtons->addStretch(1);
    rightButtons->addWidget(m_save);
    right->addLayout(rightButtons);

    auto *body = new QHBoxLayout;
    body->addLayout(left, 2);
    body->addLayout(right, 5);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(body, 1);
    layout->addWidget(close);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(add, &QPushButton::clicked, this, [this] { startNew(m_preset->currentIndex()); });
    connect(m_remove, &QPushButton::clicked, this, &ProvidersDialog::remove);
    connect(m_save, &QPushButton::clicked, this, &ProvidersDialog::save);
    connect(m_fetch, &QPushButton::clicked, this, &ProvidersDialog::fetchModels);
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            showProvider(item->data(Qt::UserRole).toString());
    });
    connect(m_preset, &QComboBox::activated, this, [this](int index) {
        if (m_currentId.isEmpty())
            startNew(index);
    });
    reload();
    if (m_list->count() == 0)
        startNew(0);
}

ProvidersDialog::~ProvidersDialog() = default;

void ProvidersDialog::reload(const QString &selectId)
{
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    for (const ProviderConfig &c : m_context->providers()->providers()) {
        auto *item = new QListWidgetItem(icons::icon(QStringLiteral("cloud")), c.name, m_list);
        item->setData(Qt::UserRole, c.id);
        item->setToolTip(QStringLiteral("%1 · %2").arg(providerKindName(c.kind), c.baseUrl));
        if (c.id == selectId)
            m_list->setCurrentItem(item);
    }
    m_remove->setEnabled(m_list->count() > 0);
}

void ProvidersDialog::startNew(int presetIndex)
{
    const QList<ProviderPreset> &presets = providerPresets();
    const ProviderPreset preset = presets.value(std::clamp(int(presetIndex), 0, int(presets.size()) - 1));
    m_currentId.clear();
    m_list->clearSelection();
    m_preset->setEnabled(true);
    m_preset->setCurrentIndex(presetIndex);
    m_name->setText(preset.label);
    m_kind->setCurrentIndex(m_kind->findData(int(preset.kind)));
    m_url->setText(preset.baseUrl);
    m_key->clear();
    m_key->setPlaceholderText(preset.needsKey ? tr("required") : tr("none needed"));
    m_clearKey->setChecked(false);
    m_clearKey->hide();
    m_model->clear();
    m_model->setCurrentText(preset.defaultModel);
    m_streaming->setChecked(true);
    m_timeout->setValue(120);
    m_save->setText(tr("Add Provider"));
    setStatus(QString());
}

void ProvidersDialog::showProvider(const QString &id)
{
    const std::optional<ProviderConfig> c = m_context->providers()->provider(id);
    if (!c)
        return;
    m_currentId = id;
    m_preset->setEnabled(false);
    m_name->setText(c->name);
    m_kind->setCurrentIndex(m_kind->findData(int(c->kind)));
    m_url->setText(c->baseUrl);
    m_key->clear();
    m_key->setPlaceholderText(tr("stored in the keychain if set; type to replace"));
    m_clearKey->setChecked(false);
    m_clearKey->show();
    m_model->clear();
    m_model->setCurrentText(c->defaultModel);
    m_streaming->setChecked(c->streaming);
    m_timeout->setValue(c->timeoutSeconds);
    m_save->setText(tr("Save"));
    setStatus(QString());
}

ProviderConfig ProvidersDialog::formConfig() const
{
    ProviderConfig c;
    c.id = m_currentId;
    c.name = m_name->text().trimmed();
    c.kind = ProviderKind(m_kind->currentData().toInt());
    c.baseUrl = m_url->text().trimmed();
    c.defaultModel = m_model->currentText().trimmed();
    c.streaming = m_streaming->isChecked();
    c.timeoutSeconds = m_timeout->value();
    return c;
}

void ProvidersDialog::save()
{
    m_save->setEnabled(false);
    ProviderConfig config = formConfig();
    if (config.id.isEmpty())
        config.id = ProviderRegistry::newId();
    const QString key = m_key->text();
    m_context->providers()->save(config, key, m_clearKey->isChecked() && key.isEmpty(), this,
        [this, id = config.id, name = config.name](bool ok, const QString &message) {
            m_save->setEnabled(true);
            if (!ok) {
                setStatus(message, true);
                return;
            }
            m_key->clear();
            reload(id);
            showProvider(id);
            setStatus(message.isEmpty() ? tr("Saved %1.").arg(name) : message);
        });
}

void ProvidersDialog::remove()
{
    QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    const QString id = item->data(Qt::UserRole).toString();
    m_context->providers()->remove(id, this, [this](bool ok, const QString &message) {
        reload();
        if (m_list->count() > 0)
            m_list->setCurrentRow(0);
        else
            startNew(0);
        setStatus(ok ? tr("Removed.") : message, !ok);
    });
}

void ProvidersDialog::fetchModels()
{
    ProviderConfig config = formConfig();
    QString error;
    config.baseUrl = normalizeProviderUrl(config.baseUrl, config.kind, &error);
    if (config.baseUrl.isEmpty()) {
        setStatus(error, true);
        return;
    }
    m_fetch->setEnabled(false);
    setStatus(tr("Asking %1 for its models…").arg(config.baseUrl));
    const auto list = [this, config](const QString &key) {
        m_probe = ChatProvider::create(config, key, m_context->network());
        m_probe->fetchModels(this, [this](const QStringList &models, const QString &fetchError) {
            m_fetch->setEnabled(true);
            if (!fetchError.isEmpty()) {
                setStatus(fetchError, true);
                return;
            }
            const QString current = m_model->currentText();
            m_model->clear();
            m_model->addItems(models);
            m_model->setCurrentText(current.isEmpty() && !models.isEmpty() ? models.first() : current);
            setStatus(tr("%1 models.").arg(models.size()));
        });
    };
    if (!m_key->text().isEmpty() || m_currentId.isEmpty()) {
        list(m_key->text());
        return;
    }
    m_context->providers()->apiKey(
        m_currentId, this, [this, list](bool ok, const QString &key, const QString &keyError) {
            if (!ok) {
                m_fetch->setEnabled(true);
                setStatus(keyError, true);
                return;
            }
            list(key);
        });
}

void ProvidersDialog::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    QPalette p = m_status->palette();
    p.setColor(
        QPalette::WindowText, error ? theme::errorColor(palette()) : palette().color(QPalette::WindowText));
    m_status->setPalette(p);
}

} // namespace tg
