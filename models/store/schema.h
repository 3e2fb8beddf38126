#pragma once

#include <QString>

namespace tg {

namespace sql {
class Database;
}

/// Versioned schema of the main store database. Version N is reached by applying
/// migrations 1..N in order, each in its own transaction; PRAGMA user_version records it.
namespace schema {

/// The newest version this build knows.
int latestVersion();
/// Current version of an open database (0 for an empty file).
int currentVersion(sql::Database &db);
/// Applies missing migrations up to `target` (default: latest). Refuses databases newer than
/// this build. On failure nothing of the failing step is applied and `error` says why.
bool migrate(sql::Database &db, QString *error, int target = -1);

/// Schema of the separate full-text database (a contentless FTS5 index plus its watermark).
bool createFullTextSchema(sql::Database &db, QString *error);

} // namespace schema
} // namespace tg
