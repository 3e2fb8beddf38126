#include "commands/headlesscommands.h"

#include "commands/exportcommand.h"
#include "commands/importcommand.h"
#include "commands/pullcommand.h"
#include "commands/receivecommand.h"
#include "commands/statscommand.h"

#include <QByteArray>
#include <QFileInfo>
#include <QRegularExpression>

#include <cstdio>
#include <cstring>

namespace tg {

int runHeadlessCommand(int argc, char *argv[], bool *handled)
{
    *handled = false;
    if (argc < 2)
        return ExitOk;
    const QByteArray command(argv[1]);
    // Answered without a display, so packaging checks and scripts can ask.
    if (argc == 2 && (command == "--version" || command == "-v")) {
        *handled = true;
        std::printf("traceglass %s\n", TRACEGLASS_VERSION);
        return ExitOk;
    }
    const std::pair<const char *, int (*)(int, char **)> commands[] = {
        { "receive", runReceiveCommand },
        { "import", runImportCommand },
        { "export", runExportCommand },
        { "pull", runPullCommand },
        { "stats", runStatsCommand },
    };
    for (const auto &[name, run] : commands) {
        if (command == name) {
            *handled = true;
            return run(argc, argv);
        }
    }
    // A bare word that is no file is a mistyped command, not something for the window to open.
    static const QRegularExpression word(QStringLiteral("^[a-z][a-z-]*$"));
    if (word.match(QString::fromLocal8Bit(command)).hasMatch()
        && !QFileInfo::exists(QString::fromLocal8Bit(command))) {
        *handled = true;
        std::fprintf(stderr,
            "traceglass: unknown command \"%s\"; commands: receive, import, export, pull, stats (each with "
            "--help), or FILE... to open trace files\n",
            command.constData());
        return ExitUsage;
    }
    return ExitOk;
}

} // namespace tg
