# Installation and the Debian package (issue 6, "Deploy it").
#
# `cmake --install` puts the binary in PREFIX/bin and the shipped prompts,
# grammars and acoustic means in PREFIX/share/voice-kiosk, where the binary
# finds them
# (see data_path() in src/commands.c).  `cpack -G DEB` in the build folder
# makes voice-kiosk_VERSION_ARCH.deb with PREFIX = /usr, the sample site
# folder in /etc/voice-kiosk (conffiles), the man page and the systemd
# units.  Depends: what dpkg-shlibdeps finds for the binary, plus the data
# packages it opens at run time.
include(GNUInstallDirs)

install(TARGETS voice-kiosk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/prompts ${CMAKE_SOURCE_DIR}/grammars
                  ${CMAKE_SOURCE_DIR}/acoustic
        DESTINATION ${CMAKE_INSTALL_DATADIR}/voice-kiosk)

# The man page, compressed as Debian policy asks (-n: reproducible).
set(VK_MAN_GZ ${CMAKE_BINARY_DIR}/voice-kiosk.1.gz)
add_custom_command(OUTPUT ${VK_MAN_GZ}
  COMMAND gzip -9nc ${CMAKE_CURRENT_LIST_DIR}/voice-kiosk.1 > ${VK_MAN_GZ}
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/voice-kiosk.1 VERBATIM)
add_custom_target(voice-kiosk-man ALL DEPENDS ${VK_MAN_GZ})
install(FILES ${VK_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# systemd: the system service, the home (user) service.  lib/, not
# CMAKE_INSTALL_LIBDIR: systemd looks in /usr/lib/systemd on every arch.
install(FILES ${CMAKE_CURRENT_LIST_DIR}/systemd/voice-kiosk.service
        DESTINATION lib/systemd/system)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/systemd/user/voice-kiosk.service
        DESTINATION lib/systemd/user)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/systemd/keypad-tty1.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# The sample site folder: absolute /etc, whatever the prefix, and every
# file there is a conffile (an upgrade never overwrites a staff change).
set(VK_ETC /etc/voice-kiosk)
set(VK_CONFFILES
  ${VK_ETC}/README ${VK_ETC}/settings.ini
  ${VK_ETC}/en-US/flow.ini ${VK_ETC}/en-US/contacts.ini
  /etc/default/voice-kiosk)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/site/README
              ${CMAKE_CURRENT_LIST_DIR}/site/settings.ini
        DESTINATION ${VK_ETC})
install(FILES ${CMAKE_CURRENT_LIST_DIR}/site/en-US/flow.ini
              ${CMAKE_CURRENT_LIST_DIR}/site/en-US/contacts.ini
        DESTINATION ${VK_ETC}/en-US)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/site/default
        DESTINATION /etc/default RENAME voice-kiosk)

list(JOIN VK_CONFFILES "\n" VK_CONFFILES_TEXT)
file(WRITE ${CMAKE_BINARY_DIR}/deb/conffiles "${VK_CONFFILES_TEXT}\n")
foreach(script postinst prerm postrm)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/${script}
                 ${CMAKE_BINARY_DIR}/deb/${script} COPYONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
                                  GROUP_READ GROUP_EXECUTE
                                  WORLD_READ WORLD_EXECUTE)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME voice-kiosk)
set(CPACK_PACKAGE_VENDOR "voice-kiosk")
set(CPACK_PACKAGE_CONTACT "voice-kiosk maintainers <voice-kiosk@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "hands-free spoken check on emotional numbness, with local support contacts")
set(CPACK_PACKAGE_DESCRIPTION
"An accessible voice kiosk: it talks a person through a short spoken check
on twelve signs of emotional numbness, explains them, and always ends with
local support contacts.  It hears with PocketSphinx and speaks with eSpeak
NG, answers can also be given with keys, nothing is recorded and answers
are wiped after each session.  It is not a diagnosis.  Ships a hardened
systemd service for clinic kiosks and a user service for home use.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "pocketsphinx-en-us, espeak-ng-data, libasound2-plugins")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_BINARY_DIR}/deb/conffiles ${CMAKE_BINARY_DIR}/deb/postinst
    ${CMAKE_BINARY_DIR}/deb/prerm ${CMAKE_BINARY_DIR}/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
