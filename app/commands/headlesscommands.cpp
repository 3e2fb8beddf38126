#include "commands/headlesscommands.h"

#include "commands/receivecommand.h"

#include <QByteArray>

#include <cstring>

namespace tg {

int runHeadlessCommand(int argc, char *argv[], bool *handled)
{
    *handled = false;
    if (argc < 2)
        return ExitOk;
    const QByteArray command(argv[1]);
    if (command == "receive") {
        *handled = true;
        return runReceiveCommand(argc, argv);
    }
    return ExitOk;
}

} // namespace tg
