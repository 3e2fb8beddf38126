# Installation layout and CPack packages (DEB and TGZ). `cpack` in a build directory of the
# release preset makes both; Debian dependencies come from dpkg-shlibdeps.
include(GNUInstallDirs)

set(TG_RESOURCES ${PROJECT_SOURCE_DIR}/resources)
install(FILES ${TG_RESOURCES}/io.github.traceglass.Traceglass.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${TG_RESOURCES}/io.github.traceglass.Traceglass.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${TG_RESOURCES}/icons/hicolor/scalable/apps/io.github.traceglass.Traceglass.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(FILES ${TG_RESOURCES}/mime/io.github.traceglass.Traceglass.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME "traceglass")
set(CPACK_PACKAGE_VENDOR "The Traceglass developers")
set(CPACK_PACKAGE_CONTACT "Traceglass developers <traceglass@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Native desktop explorer for LLM traces (Langfuse, OpenTelemetry)")
set(CPACK_PACKAGE_DESCRIPTION "Traceglass explores LLM traces from several Langfuse hosts and projects, hosts a local
OpenTelemetry (OTLP/HTTP, OTLP/gRPC) and Langfuse-compatible receiver, and opens exported trace files offline.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_HOMEPAGE_URL ${PROJECT_HOMEPAGE_URL})
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGE_FILE_NAME "traceglass-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Plugins Qt loads at run time are not seen by shlibdeps: the xcb platform, SVG icons, and the
# Secret Service client QtKeychain talks to.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, libqt6svg6, gnome-keyring | kwalletmanager | keepassxc")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring")

include(CPack)
