// Bridges zlib into Swift for the disclosure site's gzip-precompressed files.
#ifndef HJ212_CZLIB_SHIM_H
#define HJ212_CZLIB_SHIM_H
#include <zlib.h>
#endif
