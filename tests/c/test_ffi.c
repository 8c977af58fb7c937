/*
 * Tests of the travelcert C API: every entry point, good and bad paths.
 *
 * Built by tests/c_api.rs from tests/c/test_*.c with `cc -std=c99 -Wall -Wextra
 * -Werror` and run plainly, under valgrind memcheck and with ASan/UBSan.
 * Arguments: the path of examples/data/traveller.json and the fixtures
 * directory tests/c_api.rs writes. Prints "N passed, N failed"; exits
 * non-zero on any failure. TRAVELCERT_C_TEST_QUICK=1 shortens the loops (for
 * valgrind).
 *
 * This file: main, the fixtures, the helpers, results and errors. The others:
 * test_issue.c, test_verify.c, test_qr.c, test_offline.c, test_encrypt.c.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

int passed;
int failed;
int quick;

const char PEM[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

const char OTHER_STORE[] =
    "{\"keys\":[{\"country\":\"CN\",\"public_key\":"
    "\"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c\","
    "\"record_kinds\":[\"nat\",\"antibody\",\"vaccination\"]}]}";

const char BAD_SIGNATURE[] =
    "TC1:NCFOXN%TSFDH3DHNQ8O9KB2W$A4-C2KW8P%BZEJ0.TXG4/EST:F:X97KO*TPS-EL+8ODRT6"
    "Q-5DZNB846246$*C8G9I7F$SE1EHFZERFVT+UL4JQ%B9$IQ.TLAP*MT*8DQVDDKD0:DWPV6BMM"
    "NTC7WVP6SKI9*NS+N7QHIRI%H6C 2T0LTM7LOJ:96L1NME6Q*H46U.R5-C5UOA1W5R+9/GU%V9"
    "1:5ZT57165P07ECZXDI8MK/MLSGC+HNGIWTQ T8FZLDKDN-A+/B5MGI+82:FSG4BNSGDBZJAKH"
    "JQQKR.TVS1*O1U85DAAH%BYG9OR3V5S+76%N5GPARAMM7F5WIND3$MIKOCY-6QGB8 UJWU9377"
    "DV M9K+A4WUF0A4T7D1Q5/QYZSZ3TQ8S%TE.2W$%I MT2JUO0D:Y6ITD*75X%F";

const uint8_t INVALID_UTF8[7] = {'T', 'C', '1', ':', 0xff, 0xfe, 'A'};
const uint8_t CERT_ID[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

char *record;
size_t record_len;
travelcert_issuer *issuer;
travelcert_bytes sample;
travelcert_verifier *verifier;

const uint8_t *u8(const char *s) { return (const uint8_t *)s; }

int str_eq(const char *p, size_t len, const char *expected) {
  return p != NULL && len == strlen(expected) && memcmp(p, expected, len) == 0;
}

int contains(const char *haystack, size_t len, const char *needle) {
  size_t n = strlen(needle);
  size_t i;
  if (haystack == NULL || n > len) return 0;
  for (i = 0; i + n <= len; i++) {
    if (memcmp(haystack + i, needle, n) == 0) return 1;
  }
  return 0;
}

int error_named(const travelcert_error *err, const char *expected) {
  const char *name = NULL;
  size_t len = 0;
  if (travelcert_error_name(err, &name, &len) != TRAVELCERT_RESULT_OK) return 0;
  return str_eq(name, len, expected);
}

char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
      fseek(f, 0, SEEK_SET) == 0) {
    buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
      buf[n] = '\0';
      *len = (size_t)n;
    } else {
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  return buf;
}

char *fixture(const char *dir, const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return read_file(path, len);
}

void test_version_and_result_text(void) {
  const char *v = travelcert_version();
  char buf[128];
  size_t written = 99;
  static const unsigned codes[] = {
      TRAVELCERT_RESULT_OK, TRAVELCERT_RESULT_NULL_PARAMETER,
      TRAVELCERT_RESULT_INVALID_UTF8, TRAVELCERT_RESULT_DECODE_BASE45,
      TRAVELCERT_RESULT_SIGNATURE_INVALID, TRAVELCERT_RESULT_UNKNOWN_KID,
      TRAVELCERT_RESULT_EXPIRED, TRAVELCERT_RESULT_REVOKED,
      TRAVELCERT_RESULT_POLICY_REFUSED, TRAVELCERT_RESULT_NEEDS_REVIEW,
      TRAVELCERT_RESULT_TRUST_STORE_INVALID, TRAVELCERT_RESULT_RENDER_FAILED,
      TRAVELCERT_RESULT_SCAN_NO_CODE, TRAVELCERT_RESULT_PANIC};
  size_t i;

  CHECK(v != NULL && v[0] >= '0' && v[0] <= '9' && strchr(v, '.') != NULL);

  for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    CHECK_RC(travelcert_result_text(codes[i], buf, sizeof buf, &written),
             TRAVELCERT_RESULT_OK);
    CHECK(written > 0 && written == strlen(buf));
  }
  CHECK_RC(travelcert_result_text(TRAVELCERT_RESULT_EXPIRED, buf, sizeof buf,
                                  &written),
           TRAVELCERT_RESULT_OK);
  CHECK(strcmp(buf, "the certificate has expired") == 0);
  /* Unknown code. */
  CHECK_RC(travelcert_result_text(12345, buf, sizeof buf, &written),
           TRAVELCERT_RESULT_OK);
  CHECK(strcmp(buf, "unknown result code") == 0);
  /* Too small: cut, NUL-terminated. */
  CHECK_RC(travelcert_result_text(TRAVELCERT_RESULT_EXPIRED, buf, 4, &written),
           TRAVELCERT_RESULT_INSUFFICIENT_SIZE);
  CHECK(written == 3 && strcmp(buf, "the") == 0);
  buf[0] = 'x';
  CHECK_RC(travelcert_result_text(TRAVELCERT_RESULT_EXPIRED, buf, 0, &written),
           TRAVELCERT_RESULT_INSUFFICIENT_SIZE);
  CHECK(written == 0 && buf[0] == 'x');
  /* NULLs. */
  CHECK_RC(travelcert_result_text(TRAVELCERT_RESULT_OK, NULL, 10, &written),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK(written == 0);
  CHECK_RC(travelcert_result_text(TRAVELCERT_RESULT_OK, buf, sizeof buf, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);

  /* Kinds. */
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_OK) == TRAVELCERT_RESULT_KIND_OK);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_INVALID_UTF8) ==
        TRAVELCERT_RESULT_KIND_INVALID_ARGUMENT);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_DECODE_CBOR) ==
        TRAVELCERT_RESULT_KIND_DECODE);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_SIGNATURE_INVALID) ==
        TRAVELCERT_RESULT_KIND_SIGNATURE);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_ISSUER_MISMATCH) ==
        TRAVELCERT_RESULT_KIND_UNTRUSTED_KEY);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_NOT_YET_VALID) ==
        TRAVELCERT_RESULT_KIND_VALIDITY);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_REVOKED) ==
        TRAVELCERT_RESULT_KIND_REVOKED);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_NEEDS_REVIEW) ==
        TRAVELCERT_RESULT_KIND_POLICY);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_KEY_INVALID) ==
        TRAVELCERT_RESULT_KIND_TRUST_DATA);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_ISSUE_SIGNER_FAILED) ==
        TRAVELCERT_RESULT_KIND_ISSUE);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_SCAN_IMAGE_INVALID) ==
        TRAVELCERT_RESULT_KIND_IMAGE);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_UNSUPPORTED) ==
        TRAVELCERT_RESULT_KIND_UNSUPPORTED);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_INTERNAL) ==
        TRAVELCERT_RESULT_KIND_INTERNAL);
  CHECK(travelcert_kind_of(77) == TRAVELCERT_RESULT_KIND_INTERNAL);
  /* The signed-list codes under their old names. */
  CHECK(TRAVELCERT_RESULT_TRUST_LIST_SIGNATURE_INVALID ==
        TRAVELCERT_RESULT_SIGNED_LIST_SIGNATURE_INVALID);
  CHECK(TRAVELCERT_RESULT_TRUST_LIST_EXPIRED == TRAVELCERT_RESULT_SIGNED_LIST_NOT_CURRENT);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_SIGNED_LIST_NOT_CURRENT) ==
        TRAVELCERT_RESULT_KIND_TRUST_DATA);
  CHECK(travelcert_kind_of(0xffffffffu) == TRAVELCERT_RESULT_KIND_INTERNAL);
}

void test_error_and_bytes_nulls(void) {
  const char *p = "x";
  size_t len = 7;
  travelcert_bytes b = {NULL, 0};
  travelcert_error *err = NULL;

  CHECK_RC(travelcert_error_code(NULL), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_error_name(NULL, &p, &len),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK(p == NULL && len == 0);
  CHECK_RC(travelcert_error_message(NULL, &p, &len),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  travelcert_error_free(NULL);
  travelcert_bytes_free(NULL);
  travelcert_bytes_free(&b); /* {NULL, 0} */

  /* A real error, then NULL out-parameters on its accessors. */
  CHECK_RC(travelcert_trust_store_from_json(u8("{}"), 2, &(travelcert_trust_store *){NULL}, &err),
           TRAVELCERT_RESULT_TRUST_STORE_INVALID);
  CHECK(err != NULL);
  CHECK_RC(travelcert_error_code(err), TRAVELCERT_RESULT_TRUST_STORE_INVALID);
  CHECK(error_named(err, "TrustStoreJson"));
  CHECK_RC(travelcert_error_name(err, NULL, &len),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_error_name(err, &p, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_error_message(err, NULL, &len),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_error_message(err, &p, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_error_message(err, &p, &len), TRAVELCERT_RESULT_OK);
  CHECK(contains(p, len, "keys"));
  travelcert_error_free(err);
}

int main(int argc, char **argv) {
  travelcert_bytes trust = {NULL, 0};
  travelcert_trust_store *store = NULL;
  travelcert_error *err = NULL;

  quick = getenv("TRAVELCERT_C_TEST_QUICK") != NULL;
  if (argc != 3 || (record = read_file(argv[1], &record_len)) == NULL) {
    fprintf(stderr, "usage: %s examples/data/traveller.json FIXTURES_DIR\n", argv[0]);
    return 2;
  }

  /* Fixtures: the demo issuer, the sample with a fixed id, a verifier that
   * trusts the issuer. */
  if (travelcert_issuer_from_pkcs8_pem(u8(PEM), strlen(PEM), u8("CN"), 2, &issuer, &err) !=
          TRAVELCERT_RESULT_OK ||
      travelcert_issuer_issue(issuer, u8(record), record_len, ISSUED_AT, VALID_FOR, CERT_ID,
                              sizeof CERT_ID, &sample, &err) != TRAVELCERT_RESULT_OK ||
      travelcert_issuer_trust_store_json(issuer, &trust) != TRAVELCERT_RESULT_OK ||
      travelcert_trust_store_from_json(trust.data, trust.len, &store, &err) !=
          TRAVELCERT_RESULT_OK ||
      travelcert_verifier_new(store, &verifier) != TRAVELCERT_RESULT_OK) {
    const char *m = "";
    size_t len = 0;
    travelcert_error_message(err, &m, &len);
    fprintf(stderr, "fixture setup failed: %.*s\n", (int)len, m);
    return 1;
  }
  travelcert_bytes_free(&trust);
  travelcert_trust_store_free(store);

  test_version_and_result_text();
  test_error_and_bytes_nulls();
  test_issuer();
  test_issue_options(argv[2]);
  test_trust_store_and_verifier();
  test_verify();
  test_batch();
  test_inspect();
  test_threads();
  test_render_and_scan();
  test_offline_data(argv[2]);
  test_list_state(argv[2]);
  test_reader_keys(argv[2]);
  test_hcert(argv[2]);
  test_shc(argv[2]);

  travelcert_verifier_free(verifier);
  travelcert_bytes_free(&sample);
  travelcert_issuer_free(issuer);
  free(record);

  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
