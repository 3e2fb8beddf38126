#include "sqlite.h"

#include <sqlite3.h>
#include <utility>

namespace tg::sql {

Database::~Database()
{
    close();
}

Database::Database(Database &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_error(std::move(other.m_error))
{
}

Database &Database::operator=(Database &&other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_error = std::move(other.m_error);
    }
    return *this;
}

bool Database::open(const QString &path, Mode mode)
{
    // Memory statistics take a global mutex on every allocation; nothing here reads them.
    // Must happen before SQLite initialises, hence on the first open.
    static const bool configured = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }();
    Q_UNUSED(configured);
    close();
    const int flags
        = (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
        | SQLITE_OPEN_NOMUTEX;
    const QByteArray file = path.toUtf8();
    const int rc = sqlite3_open_v2(file.constData(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        m_error
            = QStringLiteral("cannot open %1: %2")
                  .arg(path,
                      m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QString::fromUtf8(sqlite3_errstr(rc)));
        close();
        return false;
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 10'000);
    return true;
}

void Database::close()
{
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

bool Database::exec(const char *sql)
{
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        m_error = QString::fromUtf8(message ? message : sqlite3_errstr(rc));
        sqlite3_free(message);
        return false;
    }
    return true;
}

bool Database::exec(const QString &sql)
{
    return exec(sql.toUtf8().constData());
}

std::optional<qint64> Database::queryInt(const char *sql)
{
    Statement st(*this, sql);
    if (!st.isValid()) {
        m_error = st.error();
        return std::nullopt;
    }
    if (!st.step())
        return std::nullopt;
    return st.columnInt(0);
}

qint64 Database::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

QString Database::lastSqliteError() const
{
    return m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QString();
}

Statement::Statement(Database &db, const char *sql)
{
    prepare(db, sql);
}

Statement::~Statement()
{
    if (m_stmt)
        sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement &&other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr))
    , m_db(std::exchange(other.m_db, nullptr))
    , m_error(std::move(other.m_error))
    , m_failed(other.m_failed)
{
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        if (m_stmt)
            sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_db = std::exchange(other.m_db, nullptr);
        m_error = std::move(other.m_error);
        m_failed = other.m_failed;
    }
    return *this;
}

bool Statement::prepare(Database &db, const char *sql)
{
    if (m_stmt) {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
    }
    m_db = db.handle();
    const int rc = sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db)) + QStringLiteral(" in: ") + QString::fromUtf8(sql);
        m_failed = true;
        if (m_stmt) {
            sqlite3_finalize(m_stmt);
            m_stmt = nullptr;
        }
        return false;
    }
    return true;
}

bool Statement::prepare(Database &db, const QString &sql)
{
    return prepare(db, sql.toUtf8().constData());
}

void Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
}

void Statement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_stmt, index, value);
}

void Statement::bind(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
}

void Statement::bind(int index, const QString &value)
{
    if (value.isNull()) {
        sqlite3_bind_null(m_stmt, index);
        return;
    }
    // Binding UTF-8 spares SQLite its own UTF-16 translation (a byte loop and an allocation per
    // value at step time); most values are short ASCII, copied here without an allocation.
    const qsizetype size = value.size();
    constexpr qsizetype kStackChars = 256;
    if (size <= kStackChars) {
        char ascii[kStackChars];
        const QChar *chars = value.constData();
        qsizetype i = 0;
        while (i < size && chars[i].unicode() < 0x80) {
            ascii[i] = static_cast<char>(chars[i].unicode());
            ++i;
        }
        if (i == size) {
            sqlite3_bind_text(m_stmt, index, ascii, static_cast<int>(size), SQLITE_TRANSIENT);
            return;
        }
    }
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), static_cast<int>(utf8.size()), SQLITE_TRANSIENT);
}

void Statement::bindText(int index, const QByteArray &utf8)
{
    if (utf8.isNull()) {
        sqlite3_bind_null(m_stmt, index);
        return;
    }
    sqlite3_bind_text(m_stmt, index, utf8.constData(), static_cast<int>(utf8.size()), SQLITE_STATIC);
}

void Statement::bindBlob(int index, const QByteArray &bytes)
{
    if (bytes.isNull()) {
        sqlite3_bind_null(m_stmt, index);
        return;
    }
    sqlite3_bind_blob(m_stmt, index, bytes.constData(), static_cast<int>(bytes.size()), SQLITE_STATIC);
}

void Statement::bindOptional(int index, const std::optional<qint64> &value)
{
    if (value)
        bind(index, *value);
    else
        bindNull(index);
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE) {
        m_failed = true;
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
    }
    return false;
}

bool Statement::run()
{
    while (step()) { }
    const bool ok = !m_failed;
    reset();
    return ok;
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_failed = false;
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

qint64 Statement::columnInt(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::columnDouble(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

QString Statement::columnText(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (!text)
        return {};
    return QString::fromUtf8(text, sqlite3_column_bytes(m_stmt, column));
}

QByteArray Statement::columnBytes(int column) const
{
    const void *data = sqlite3_column_blob(m_stmt, column);
    if (!data)
        return {};
    return QByteArray(static_cast<const char *>(data), sqlite3_column_bytes(m_stmt, column));
}

QByteArray Statement::columnRawBytes(int column) const
{
    const void *data = sqlite3_column_blob(m_stmt, column);
    if (!data)
        return {};
    return QByteArray::fromRawData(static_cast<const char *>(data), sqlite3_column_bytes(m_stmt, column));
}

int Statement::columnType(int column) const
{
    return sqlite3_column_type(m_stmt, column);
}

Transaction::Transaction(Database &db, bool immediate)
    : m_db(db)
{
    m_active = m_db.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction()
{
    if (m_active)
        m_db.exec("ROLLBACK");
}

bool Transaction::commit()
{
    if (!m_active)
        return false;
    m_active = false;
    if (!m_db.exec("COMMIT")) {
        m_db.exec("ROLLBACK");
        return false;
    }
    return true;
}

} // namespace tg::sql
