#include "commands/headlesscommands.h"

#include "commands/receivecommand.h"

#include <QByteArray>

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
    if (command == "receive") {
        *handled = true;
        return runReceiveCommand(argc, argv);
    }
    return ExitOk;
}

} // namespace tg
