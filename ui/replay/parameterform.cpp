#include "parameterform.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>

namespace tg {

namespace {

constexpr double kUnsetDouble = -0.01;

QDoubleSpinBox *doubleBox(double max, double step, QWidget *parent)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(kUnsetDouble, max);
    box->setDecimals(2);
    box->setSingleStep(step);
    box->setSpecialValueText(ParameterForm::tr("not set"));
    box->setValue(kUnsetDouble);
    return box;
}

QPlainTextEdit *jsonEdit(const QString &placeholder, QWidget *parent)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setPlaceholderText(placeholder);
    edit->setTabChangesFocus(true);
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * 4 + 12);
    return edit;
}

QByteArray compact(const QJsonValue &v)
{
    return QJsonDocument(QJsonArray { v }).toJson(QJsonDocument::Compact).mid(1).chopped(1);
}

} // namespace

ParameterForm::ParameterForm(QWidget *parent)
    : QWidget(parent)
    , m_temperature(doubleBox(2.0, 0.1, this))
    , m_topP(doubleBox(1.0, 0.05, this))
    , m_maxTokens(new QSpinBox(this))
    , m_seed(new QSpinBox(this))
    , m_stop(new QLineEdit(this))
    , m_toolChoice(new QComboBox(this))
    , m_responseFormat(jsonEdit(QStringLiteral(R"({"type": "json_object"})"), this))
    , m_extra(jsonEdit(QStringLiteral(R"({"frequency_penalty": 0.5})"), this))
{
    setObjectName(QStringLiteral("parameterForm"));
    m_temperature->setObjectName(QStringLiteral("temperature"));
    m_topP->setObjectName(QStringLiteral("topP"));
    m_maxTokens->setObjectName(QStringLiteral("maxTokens"));
    m_maxTokens->setRange(0, 1'000'000);
    m_maxTokens->setSpecialValueText(tr("not set"));
    m_maxTokens->setSingleStep(256);
    m_seed->setRange(-1, std::numeric_limits<int>::max());
    m_seed->setSpecialValueText(tr("not set"));
    m_seed->setValue(-1);
    m_stop->setPlaceholderText(tr("stop sequences, as a JSON array or one plain string"));
    m_toolChoice->setEditable(true);
    m_toolChoice->addItems(
        { QString(), QStringLiteral("auto"), QStringLiteral("none"), QStringLiteral("required") });
    m_toolChoice->setToolTip(tr("auto, none, required, or a JSON object such as "
                                "{\"type\":\"function\",\"function\":{\"name\":\"lookup_order\"}}"));
    m_extra->setToolTip(tr("Further parameters sent as they are (frequency_penalty, presence_penalty, top_k, "
                           "reasoning_effort, ...). Anthropic takes top_k and thinking."));

    auto *form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Temperature"), m_temperature);
    form->addRow(tr("Top p"), m_topP);
    form->addRow(tr("Max tokens"), m_maxTokens);
    form->addRow(tr("Stop"), m_stop);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Tool choice"), m_toolChoice);
    form->addRow(tr("Response format"), m_responseFormat);
    form->addRow(tr("More (JSON)"), m_extra);

    for (QDoubleSpinBox *box : { m_temperature, m_topP })
        connect(box, &QDoubleSpinBox::valueChanged, this, &ParameterForm::changed);
    for (QSpinBox *box : { m_maxTokens, m_seed })
        connect(box, &QSpinBox::valueChanged, this, &ParameterForm::changed);
    connect(m_stop, &QLineEdit::textChanged, this, &ParameterForm::changed);
    connect(m_toolChoice, &QComboBox::currentTextChanged, this, &ParameterForm::changed);
    for (QPlainTextEdit *edit : { m_responseFormat, m_extra })
        connect(edit, &QPlainTextEdit::textChanged, this, &ParameterForm::changed);
}

void ParameterForm::setParameters(const ReplayParameters &p)
{
    m_temperature->setValue(p.temperature.value_or(kUnsetDouble));
    m_topP->setValue(p.topP.value_or(kUnsetDouble));
    m_maxTokens->setValue(int(std::min<qint64>(p.maxTokens.value_or(0), m_maxTokens->maximum())));
    m_seed->setValue(int(std::clamp<qint64>(p.seed.value_or(-1), -1, m_seed->maximum())));
    m_stop->setText(
        p.stop.isEmpty() ? QString() : QString::fromUtf8(compact(QJsonArray::fromStringList(p.stop))));
    const QJsonDocument choice = QJsonDocument::fromJson("[" + p.toolChoice + "]");
    const QJsonValue c = choice.array().at(0);
    m_toolChoice->setCurrentText(c.isString() ? c.toString() : QString::fromUtf8(p.toolChoice));
    m_responseFormat->setPlainText(QString::fromUtf8(p.responseFormat));
    m_extra->setPlainText(p.extra.isEmpty()
            ? QString()
            : QString::fromUtf8(QJsonDocument(p.extra).toJson(QJsonDocument::Compact)));
}

bool ParameterForm::parameters(ReplayParameters *out, QString *error) const
{
    ReplayParameters p;
    if (m_temperature->value() > kUnsetDouble / 2)
        p.temperature = m_temperature->value();
    if (m_topP->value() > kUnsetDouble / 2)
        p.topP = m_topP->value();
    if (m_maxTokens->value() > 0)
        p.maxTokens = m_maxTokens->value();
    if (m_seed->value() >= 0)
        p.seed = m_seed->value();
    const QString stop = m_stop->text().trimmed();
    if (stop.startsWith(u'[')) {
        const QJsonDocument doc = QJsonDocument::fromJson(stop.toUtf8());
        if (!doc.isArray()) {
            *error = tr("Stop is not a JSON array of strings.");
            return false;
        }
        for (const QJsonValue &v : doc.array())
            p.stop << v.toString();
        p.stop.removeAll(QString());
    } else if (!stop.isEmpty()) {
        p.stop << stop;
    }
    const QString choice = m_toolChoice->currentText().trimmed();
    if (choice.startsWith(u'{')) {
        const QJsonDocument doc = QJsonDocument::fromJson(choice.toUtf8());
        if (!doc.isObject()) {
            *error = tr("Tool choice is not a JSON object.");
            return false;
        }
        p.toolChoice = doc.toJson(QJsonDocument::Compact);
    } else if (!choice.isEmpty()) {
        p.toolChoice = compact(choice);
    }
    const QString format = m_responseFormat->toPlainText().trimmed();
    if (!format.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(format.toUtf8());
        if (!doc.isObject()) {
            *error = tr("Response format is not a JSON object.");
            return false;
        }
        p.responseFormat = doc.toJson(QJsonDocument::Compact);
    }
    const QString extra = m_extra->toPlainText().trimmed();
    if (!extra.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(extra.toUtf8());
        if (!doc.isObject()) {
            *error = tr("More parameters must be a JSON object.");
            return false;
        }
        p.extra = doc.object();
    }
    *out = std::move(p);
    return true;
}

} // namespace tg
