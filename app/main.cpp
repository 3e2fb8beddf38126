#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Traceglass"));
    QApplication::setApplicationVersion(QStringLiteral(TRACEGLASS_VERSION));
    return 0;
}
