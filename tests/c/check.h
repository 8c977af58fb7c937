/*
 * Shared by the C tests of the travelcert C API (tests/c/test_*.c): the check
 * macros, the fixtures main() makes, helpers, and every test function.
 *
 * The tests are built against a library with every feature, so they define
 * every TRAVELCERT_FEATURE_* macro before including the header.
 */
#ifndef TRAVELCERT_TEST_CHECK_H
#define TRAVELCERT_TEST_CHECK_H

#ifndef TRAVELCERT_FEATURE_ISSUE
#define TRAVELCERT_FEATURE_ISSUE
#endif
#ifndef TRAVELCERT_FEATURE_RENDER
#define TRAVELCERT_FEATURE_RENDER
#endif
#ifndef TRAVELCERT_FEATURE_SCAN
#define TRAVELCERT_FEATURE_SCAN
#endif
#ifndef TRAVELCERT_FEATURE_ENCRYPT
#define TRAVELCERT_FEATURE_ENCRYPT
#endif
#ifndef TRAVELCERT_FEATURE_HCERT
#define TRAVELCERT_FEATURE_HCERT
#endif
#ifndef TRAVELCERT_FEATURE_SHC
#define TRAVELCERT_FEATURE_SHC
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "travelcert.h"

extern int passed;
extern int failed;
extern int quick; /* TRAVELCERT_C_TEST_QUICK: shorter loops (valgrind) */

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (cond) {                                                              \
      passed++;                                                              \
    } else {                                                                 \
      failed++;                                                              \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,       \
              #cond);                                                        \
    }                                                                        \
  } while (0)

#define CHECK_RC(expr, expected)                                             \
  do {                                                                       \
    unsigned rc_ = (unsigned)(expr);                                         \
    if (rc_ == (unsigned)(expected)) {                                       \
      passed++;                                                              \
    } else {                                                                 \
      failed++;                                                              \
      fprintf(stderr, "%s:%d: %s returned %u, expected %s (%u)\n", __FILE__, \
              __LINE__, #expr, rc_, #expected, (unsigned)(expected));        \
    }                                                                        \
  } while (0)

/* DEMO KEY: RFC 8032 test key 1, public knowledge. Never issue real
 * certificates with it. */
extern const char PEM[];
/* A trust store with an unrelated key (RFC 8032 test key 2). */
extern const char OTHER_STORE[];
/* tests/vectors/23-tampered-signature.json: the sample with its last
 * signature byte flipped. */
extern const char BAD_SIGNATURE[];
extern const uint8_t INVALID_UTF8[7];
extern const uint8_t CERT_ID[8];

/* 2021-03-10T12:00:00Z, 48 hours, verified 2021-03-11T09:00:00Z. */
#define ISSUED_AT 1615377600
#define VALID_FOR (48 * 3600)
#define VERIFY_AT 1615453200

/* Fixtures made once in main. */
extern char *record;       /* examples/data/traveller.json */
extern size_t record_len;
extern travelcert_issuer *issuer;
extern travelcert_bytes sample; /* the sample, fixed id */
extern travelcert_verifier *verifier;

const uint8_t *u8(const char *s);
/* Whether a borrowed (pointer, length) string equals `expected`. */
int str_eq(const char *p, size_t len, const char *expected);
/* Whether `haystack` (length `len`) contains `needle`. */
int contains(const char *haystack, size_t len, const char *needle);
/* The error's name equals `expected`. */
int error_named(const travelcert_error *err, const char *expected);
/* The file's bytes (NUL-terminated, length in *len), or NULL; free() it. */
char *read_file(const char *path, size_t *len);
/* dir/name, read with read_file. */
char *fixture(const char *dir, const char *name, size_t *len);

/* test_hcert.c */
void test_hcert(const char *fixtures);
/* test_shc.c */
void test_shc(const char *fixtures);
/* test_ffi.c */
void test_version_and_result_text(void);
void test_error_and_bytes_nulls(void);
/* test_issue.c */
void test_issuer(void);
void test_issue_options(const char *fixtures);
/* test_verify.c */
void test_trust_store_and_verifier(void);
void test_verify(void);
void test_batch(void);
void test_inspect(void);
void test_threads(void);
/* test_qr.c */
void test_render_and_scan(void);
/* test_offline.c */
void test_offline_data(const char *fixtures);
void test_list_state(const char *fixtures);
/* test_encrypt.c */
void test_reader_keys(const char *fixtures);

#endif
