#ifndef CNGHTTP2_SHIM_H
#define CNGHTTP2_SHIM_H

#include <nghttp2/nghttp2.h>

// Debian's 1.52 carries back-ported security options (stream reset rate limit, max
// continuations) while its version macro still says 1.52, so nothing here is gated on
// NGHTTP2_VERSION_NUM. The one gate is the floor below which the ssize_t API we use differs.
#if NGHTTP2_VERSION_NUM < 0x013400
#error "planning-rpcd needs libnghttp2 1.52 or newer"
#endif

#endif
