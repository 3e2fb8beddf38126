#pragma once

#include <QDialog>

class QLabel;
class QTableWidget;

namespace tg {

class ReplayContext;

/// The price table replays are costed with when a provider reports no cost: model (or name prefix),
/// input, cached input and output USD per million tokens. Seeded with common models; editable;
/// saved in the settings.
class PricesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PricesDialog(ReplayContext *context, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    /// Reads the table; false (and a message) when a row is invalid.
    bool apply();

private:
    void fill(const class PriceTable &prices);

    ReplayContext *m_context;
    QTableWidget *m_table;
    QLabel *m_status;
};

} // namespace tg
