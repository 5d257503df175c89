// Bridges OpenSSL's EVP cipher API into Swift for the HJ 212-2025 SM4 data-area codec.
#ifndef HJ212_COPENSSL_SHIM_H
#define HJ212_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/err.h>
#endif
