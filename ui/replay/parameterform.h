#pragma once

#include "replay/replayrequest.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace tg {

/// The sampling and output parameters of a replay: temperature, top_p, max tokens, stop, seed,
/// response_format, tool_choice and further parameters as JSON. A spin box at its lowest value
/// shows "not set": that parameter is left out of the request.
class ParameterForm : public QWidget
{
    Q_OBJECT

public:
    explicit ParameterForm(QWidget *parent = nullptr);

    void setParameters(const ReplayParameters &parameters);
    /// The parameters as edited; false and `error` when a JSON field does not parse.
    bool parameters(ReplayParameters *out, QString *error) const;

    QDoubleSpinBox *temperatureBox() const { return m_temperature; }
    QSpinBox *maxTokensBox() const { return m_maxTokens; }

Q_SIGNALS:
    void changed();

private:
    QDoubleSpinBox *m_temperature;
    QDoubleSpinBox *m_topP;
    QSpinBox *m_maxTokens;
    QSpinBox *m_seed;
    QLineEdit *m_stop;
    QComboBox *m_toolChoice;
    QPlainTextEdit *m_responseFormat;
    QPlainTextEdit *m_extra;
};

} // namespace tg
