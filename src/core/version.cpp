/**
 * @file version.cpp
 * @brief uv_version() and uv_version_string(): the libuv API level, and uvref's own version.
 *
 * libuv: src/version.c
 */
#include "uv.h"

#ifndef UVREF_VERSION
#error "UVREF_VERSION is set by src/CMakeLists.txt"
#endif

unsigned int uv_version(void) { return UV_VERSION_HEX; }

/** "1.44.2-uvref.0.1.0": a libuv program that prints it shows which library it runs on. */
const char* uv_version_string(void) { return "1.44.2-uvref." UVREF_VERSION; }
