#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace tg::sql {

/// One SQLite connection. Not thread-safe: a connection belongs to one thread at a time.
class Database
{
public:
    enum class Mode { ReadWrite, ReadOnly };

    Database() = default;
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;
    Database(Database &&other) noexcept;
    Database &operator=(Database &&other) noexcept;

    /// Opens (creating in ReadWrite mode) the file; returns false and sets error() on failure.
    bool open(const QString &path, Mode mode);
    void close();
    bool isOpen() const { return m_db != nullptr; }

    /// Runs one or more statements without results; false and error() on failure.
    bool exec(const char *sql);
    bool exec(const QString &sql);
    /// Runs a query returning one integer (e.g. PRAGMA user_version); nullopt on error or no row.
    std::optional<qint64> queryInt(const char *sql);

    qint64 lastInsertRowId() const;
    int changes() const;
    QString error() const { return m_error; }
    QString lastSqliteError() const;
    sqlite3 *handle() const { return m_db; }

private:
    sqlite3 *m_db = nullptr;
    QString m_error;
};

/// A prepared statement with typed binds and column reads. Indexes are 1-based for binds
/// and 0-based for columns, as in SQLite.
class Statement
{
public:
    Statement() = default;
    Statement(Database &db, const char *sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;

    bool prepare(Database &db, const char *sql);
    bool prepare(Database &db, const QString &sql);
    bool isValid() const { return m_stmt != nullptr; }
    QString error() const { return m_error; }

    void bindNull(int index);
    void bind(int index, qint64 value);
    void bind(int index, int value) { bind(index, static_cast<qint64>(value)); }
    void bind(int index, double value);
    void bind(int index, bool value) { bind(index, static_cast<qint64>(value ? 1 : 0)); }
    /// Binds text; a null QString binds NULL.
    void bind(int index, const QString &value);
    /// Binds UTF-8 text; a null QByteArray binds NULL. The bytes must outlive step().
    void bindText(int index, const QByteArray &utf8);
    /// Binds a blob; a null QByteArray binds NULL. The bytes must outlive step().
    void bindBlob(int index, const QByteArray &bytes);
    void bindOptional(int index, const std::optional<qint64> &value);

    /// Steps once; true when a row is available. Errors set error() and return false.
    bool step();
    /// Steps until done (for statements without rows); false on error.
    bool run();
    void reset();

    bool isNull(int column) const;
    qint64 columnInt(int column) const;
    double columnDouble(int column) const;
    QString columnText(int column) const;
    QByteArray columnBytes(int column) const;
    /// The column's bytes without a copy; valid until the next step() or reset().
    QByteArray columnRawBytes(int column) const;
    /// Column type (SQLITE_INTEGER, SQLITE_TEXT, SQLITE_BLOB, ...).
    int columnType(int column) const;
    bool hadError() const { return m_failed; }

private:
    sqlite3_stmt *m_stmt = nullptr;
    sqlite3 *m_db = nullptr;
    QString m_error;
    bool m_failed = false;
};

/// BEGIN/COMMIT with rollback on scope exit unless committed.
class Transaction
{
public:
    explicit Transaction(Database &db, bool immediate = true);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    bool isActive() const { return m_active; }
    bool commit();

private:
    Database &m_db;
    bool m_active = false;
};

} // namespace tg::sql
