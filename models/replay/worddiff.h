#pragma once

#include <QString>
#include <QStringView>

#include <vector>

namespace tg {

/// A stretch of text that both sides share, or that only the new or only the old side has.
struct DiffRun
{
    enum class Kind : quint8 { Equal, Insert, Delete };
    Kind kind = Kind::Equal;
    QString text;

    bool operator==(const DiffRun &other) const = default;
};

/// The word-level difference between two texts, as runs in reading order: equal text, text only
/// the new side has (Insert) and text only the old side has (Delete). Whitespace and punctuation are
/// tokens of their own, so "cat." vs "cats." changes one word, not the sentence.
struct WordDiff
{
    std::vector<DiffRun> runs;
    int equalWords = 0; ///< word tokens (not whitespace) in equal runs
    int insertedWords = 0;
    int deletedWords = 0;
    bool coarse = false; ///< too many edits for an exact diff: the changed middle is one delete + insert

    bool identical() const { return insertedWords == 0 && deletedWords == 0 && !coarse; }
    /// 2 * equal / (words before + words after); 1 for two empty texts.
    double similarity() const;
};

/// Splits text into word tokens (letters, digits, marks, '_' and "'" inside words), runs of
/// whitespace, and single other characters.
std::vector<QStringView> wordTokens(QStringView text);

/// Myers' O(ND) diff on word tokens after trimming the common prefix and suffix. Beyond `maxEdits`
/// differing tokens it gives up on precision (WordDiff::coarse) rather than time or memory.
WordDiff diffWords(QStringView before, QStringView after, int maxEdits = 2000);

} // namespace tg
