#include "pricesdialog.h"

#include "replaycontext.h"
#include "theme.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tg {

namespace {

enum Column { ModelColumn, InputColumn, CachedColumn, OutputColumn, ColumnCount };

QString number(double value)
{
    return value < 0 ? QString() : QString::number(value, 'g', 8);
}

} // namespace

PricesDialog::PricesDialog(ReplayContext *context, QWidget *parent)
    : QDialog(parent)
    , m_context(context)
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("pricesDialog"));
    setWindowTitle(tr("Model Prices"));
    resize(620, 560);
    m_table->setObjectName(QStringLiteral("priceTable"));
    m_table->setHorizontalHeaderLabels(
        { tr("Model (or prefix)"), tr("Input $/1M"), tr("Cached input $/1M"), tr("Output $/1M") });
    m_table->horizontalHeader()->setSectionResizeMode(ModelColumn, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    auto *intro
        = new QLabel(tr("Used when a provider reports no cost of its own (OpenRouter does). A model "
                        "matches the longest entry its name starts with; \"openai/\"-style prefixes are "
                        "ignored. Empty cached price: same as input."),
            this);
    intro->setWordWrap(true);
    m_status->setWordWrap(true);
    auto *add = new QPushButton(tr("Add Row"), this);
    auto *remove = new QPushButton(tr("Remove Row"), this);
    auto *reset = new QPushButton(tr("Restore Defaults"), this);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    auto *row = new QHBoxLayout;
    row->addWidget(add);
    row->addWidget(remove);
    row->addWidget(reset);
    row->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_table, 1);
    layout->addLayout(row);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(add, &QPushButton::clicked, this, [this] {
        m_table->insertRow(m_table->rowCount());
        m_table->setCurrentCell(m_table->rowCount() - 1, ModelColumn);
        m_table->editItem(m_table->item(m_table->rowCount() - 1, ModelColumn));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            m_table->removeRow(m_table->currentRow());
    });
    connect(reset, &QPushButton::clicked, this, [this] { fill(PriceTable::defaults()); });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (apply())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    fill(m_context->prices());
}

void PricesDialog::fill(const PriceTable &prices)
{
    m_table->setRowCount(0);
    for (const ModelPrice &p : prices.prices()) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, ModelColumn, new QTableWidgetItem(p.model));
        m_table->setItem(row, InputColumn, new QTableWidgetItem(number(p.inputPerMillion)));
        m_table->setItem(row, CachedColumn, new QTableWidgetItem(number(p.cachedInputPerMillion)));
        m_table->setItem(row, OutputColumn, new QTableWidgetItem(number(p.outputPerMillion)));
    }
}

bool PricesDialog::apply()
{
    std::vector<ModelPrice> prices;
    const auto text = [this](int row, int column) {
        const QTableWidgetItem *item = m_table->item(row, column);
        return item ? item->text().trimmed() : QString();
    };
    for (int row = 0; row < m_table->rowCount(); ++row) {
        ModelPrice p;
        p.model = text(row, ModelColumn);
        if (p.model.isEmpty())
            continue;
        bool okIn = false;
        bool okOut = false;
        bool okCached = true;
        p.inputPerMillion = text(row, InputColumn).toDouble(&okIn);
        p.outputPerMillion = text(row, OutputColumn).toDouble(&okOut);
        const QString cached = text(row, CachedColumn);
        p.cachedInputPerMillion = cached.isEmpty() ? -1.0 : cached.toDouble(&okCached);
        if (!okIn || !okOut || !okCached || p.inputPerMillion < 0 || p.outputPerMillion < 0) {
            m_status->setText(
                tr("Row %1 (%2): prices must be numbers of at least 0.").arg(row + 1).arg(p.model));
            QPalette palette = m_status->palette();
            palette.setColor(QPalette::WindowText, theme::errorColor(this->palette()));
            m_status->setPalette(palette);
            return false;
        }
        prices.push_back(p);
    }
    m_context->setPrices(PriceTable(std::move(prices)));
    return true;
}

} // namespace tg
