/* C API tests: issuing (feature issue). */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

void test_issuer(void) {
  static char sentinel;
  travelcert_issuer *is = (travelcert_issuer *)(void *)&sentinel; /* reset to NULL */
  travelcert_error *err = NULL;
  travelcert_bytes text = {NULL, 0};
  travelcert_bytes text2 = {NULL, 0};
  travelcert_bytes json = {NULL, 0};
  size_t pem_len = strlen(PEM);
  static const uint8_t long_id[17] = {0};

  /* Constructor: NULLs, lengths, UTF-8, bad key, bad country. */
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(NULL, pem_len, u8("CN"), 2, &is, &err),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK(is == NULL && err != NULL && error_named(err, "NullParameter"));
  travelcert_error_free(err);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(u8(PEM), pem_len, NULL, 2, &is, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(u8(PEM), pem_len, u8("CN"), 2, NULL, &err),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  travelcert_error_free(err);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(u8(PEM), SIZE_MAX, u8("CN"), 2, &is, NULL),
           TRAVELCERT_RESULT_INPUT_TOO_LARGE);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(u8(PEM), TRAVELCERT_MAX_DOCUMENT_LEN + 1,
                                            u8("CN"), 2, &is, NULL),
           TRAVELCERT_RESULT_INPUT_TOO_LARGE);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(u8(PEM), pem_len, u8("CN"), SIZE_MAX, &is, NULL),
           TRAVELCERT_RESULT_INPUT_TOO_LARGE);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(INVALID_UTF8, sizeof INVALID_UTF8, u8("CN"), 2,
                                            &is, NULL),
           TRAVELCERT_RESULT_INVALID_UTF8);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(u8(PEM), pem_len, INVALID_UTF8 + 4, 2, &is, NULL),
           TRAVELCERT_RESULT_INVALID_UTF8);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(u8(PEM), 0, u8("CN"), 2, &is, &err),
           TRAVELCERT_RESULT_KEY_INVALID);
  CHECK(error_named(err, "KeyEncoding"));
  travelcert_error_free(err);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(u8(PEM), pem_len - 30, u8("CN"), 2, &is, NULL),
           TRAVELCERT_RESULT_KEY_INVALID);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(u8(PEM), pem_len, u8("cn"), 2, &is, NULL),
           TRAVELCERT_RESULT_INVALID_ARGUMENT);
  CHECK_RC(travelcert_issuer_from_pkcs8_pem(u8(PEM), pem_len, u8("CN"), 0, &is, NULL),
           TRAVELCERT_RESULT_INVALID_ARGUMENT);
  CHECK(is == NULL);
  travelcert_issuer_free(NULL);

  /* issue: NULLs and bad arguments, against the fixture issuer. */
  CHECK_RC(travelcert_issuer_issue(NULL, u8(record), record_len, ISSUED_AT, VALID_FOR,
                                   NULL, 0, &text, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_issuer_issue(issuer, NULL, record_len, ISSUED_AT, VALID_FOR, NULL, 0,
                                   &text, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len, ISSUED_AT, VALID_FOR,
                                   NULL, 0, NULL, &err),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  travelcert_error_free(err);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len, ISSUED_AT, VALID_FOR,
                                   NULL, 8, &text, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK(text.data == NULL && text.len == 0);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), SIZE_MAX, ISSUED_AT, VALID_FOR, NULL,
                                   0, &text, NULL),
           TRAVELCERT_RESULT_INPUT_TOO_LARGE);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), 0, ISSUED_AT, VALID_FOR, NULL, 0,
                                   &text, &err),
           TRAVELCERT_RESULT_ISSUE_RECORD_INVALID);
  CHECK(error_named(err, "IssueRecordJson"));
  travelcert_error_free(err);
  CHECK_RC(travelcert_issuer_issue(issuer, INVALID_UTF8, sizeof INVALID_UTF8, ISSUED_AT,
                                   VALID_FOR, NULL, 0, &text, NULL),
           TRAVELCERT_RESULT_ISSUE_RECORD_INVALID);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len / 2, ISSUED_AT, VALID_FOR,
                                   NULL, 0, &text, NULL),
           TRAVELCERT_RESULT_ISSUE_RECORD_INVALID);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len, -1, VALID_FOR, NULL, 0,
                                   &text, NULL),
           TRAVELCERT_RESULT_INVALID_ARGUMENT);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len, ISSUED_AT, 0, NULL, 0,
                                   &text, &err),
           TRAVELCERT_RESULT_ISSUE_VALIDITY_INVALID);
  CHECK(error_named(err, "IssueValidityInvalid"));
  travelcert_error_free(err);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len, ISSUED_AT, INT64_MAX,
                                   NULL, 0, &text, NULL),
           TRAVELCERT_RESULT_ISSUE_VALIDITY_INVALID);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len, ISSUED_AT, VALID_FOR,
                                   CERT_ID, 3, &text, NULL),
           TRAVELCERT_RESULT_INVALID_ARGUMENT);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len, ISSUED_AT, VALID_FOR,
                                   long_id, sizeof long_id, &text, NULL),
           TRAVELCERT_RESULT_INPUT_TOO_LARGE);
  CHECK(text.data == NULL);

  /* A fixed id gives the same text twice; random ids differ. */
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len, ISSUED_AT, VALID_FOR,
                                   CERT_ID, sizeof CERT_ID, &text, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(err == NULL);
  CHECK(text.len == sample.len && memcmp(text.data, sample.data, text.len) == 0);
  CHECK(text.data[text.len] == '\0' && strncmp((char *)text.data, "TC1:", 4) == 0);
  travelcert_bytes_free(&text);
  CHECK(text.data == NULL && text.len == 0);
  travelcert_bytes_free(&text); /* second free of a reset buffer: no-op */
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len, ISSUED_AT, VALID_FOR,
                                   NULL, 0, &text, NULL),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_issuer_issue(issuer, u8(record), record_len, ISSUED_AT, VALID_FOR,
                                   NULL, 0, &text2, NULL),
           TRAVELCERT_RESULT_OK);
  CHECK(text.len > 0 && (text.len != text2.len || memcmp(text.data, text2.data, text.len) != 0));
  travelcert_bytes_free(&text);
  travelcert_bytes_free(&text2);

  /* Trust store JSON of the issuer. */
  CHECK_RC(travelcert_issuer_trust_store_json(NULL, &json), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_issuer_trust_store_json(issuer, NULL), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_issuer_trust_store_json(issuer, &json), TRAVELCERT_RESULT_OK);
  CHECK(contains((char *)json.data, json.len,
                 "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  travelcert_bytes_free(&json);
}

/* Options zeroed, sized and filled for the sample with its fixed id. */
static travelcert_issue_options sample_options(void) {
  travelcert_issue_options o;
  memset(&o, 0, sizeof o);
  o.size = sizeof o;
  o.issued_at_unix = ISSUED_AT;
  o.valid_for_seconds = VALID_FOR;
  o.certificate_id = CERT_ID;
  o.certificate_id_len = sizeof CERT_ID;
  return o;
}

void test_issue_options(const char *dir) {
  size_t recovered_len = 0, pub_len = 0;
  char *recovered = fixture(dir, "recovered.json", &recovered_len);
  char *pub = fixture(dir, "reader.pub.json", &pub_len);
  travelcert_issue_options o = sample_options();
  travelcert_bytes text = {NULL, 0};
  travelcert_error *err = NULL;
  travelcert_verified *v = NULL;
  const char *s = NULL;
  size_t len = 0;
  /* A caller compiled against a newer header: the struct is longer. */
  struct {
    travelcert_issue_options known;
    uint64_t newer_field;
  } longer;

  CHECK(recovered != NULL && pub != NULL);
  if (recovered == NULL || pub == NULL) goto done;

  /* The same certificate as travelcert_issuer_issue with the same inputs. */
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(err == NULL && text.len == sample.len && memcmp(text.data, sample.data, text.len) == 0);
  travelcert_bytes_free(&text);

  /* NULLs; a size that is not the struct's; unknown flags. */
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, NULL, &text,
                                                NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_issuer_issue_with_options(NULL, u8(record), record_len, &o, &text, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, NULL, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  o.size = 0;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, &err),
           TRAVELCERT_RESULT_INVALID_ARGUMENT);
  CHECK(text.data == NULL && err != NULL && error_named(err, "InvalidArgument"));
  travelcert_error_free(err);
  o.size = sizeof o - 1;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, NULL),
           TRAVELCERT_RESULT_INVALID_ARGUMENT);
  o.size = SIZE_MAX;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, NULL),
           TRAVELCERT_RESULT_INVALID_ARGUMENT);
  o = sample_options();
  o.flags = (uint64_t)1 << 40;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, &err),
           TRAVELCERT_RESULT_UNSUPPORTED);
  CHECK(error_named(err, "Unsupported") && text.data == NULL);
  travelcert_error_free(err);
  CHECK(travelcert_kind_of(TRAVELCERT_RESULT_UNSUPPORTED) == TRAVELCERT_RESULT_KIND_UNSUPPORTED);

  /* A longer struct: accepted while the fields past ours are zero. */
  memset(&longer, 0, sizeof longer);
  longer.known = sample_options();
  longer.known.size = sizeof longer;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &longer.known,
                                                &text, NULL),
           TRAVELCERT_RESULT_OK);
  CHECK(text.len == sample.len && memcmp(text.data, sample.data, text.len) == 0);
  travelcert_bytes_free(&text);
  longer.newer_field = 1;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &longer.known,
                                                &text, &err),
           TRAVELCERT_RESULT_UNSUPPORTED);
  CHECK(text.data == NULL && error_named(err, "Unsupported"));
  travelcert_error_free(err);

  /* Infection history: refused without the flag, issued and verified with it. */
  o = sample_options();
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(recovered), recovered_len, &o, &text,
                                                &err),
           TRAVELCERT_RESULT_ISSUE_RECORD_INVALID);
  CHECK(text.data == NULL && error_named(err, "IssueHistoryNotRequested"));
  travelcert_error_free(err);
  o.flags = TRAVELCERT_ISSUE_INCLUDE_HISTORY;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(recovered), recovered_len, &o, &text,
                                                &err),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_verify(verifier, text.data, text.len, VERIFY_AT, &v, &err),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_verified_json(v, &s, &len), TRAVELCERT_RESULT_OK);
  CHECK(contains(s, len, "\"infection_history\"") && contains(s, len, "E55501234"));
  travelcert_verified_free(v);
  v = NULL;
  travelcert_bytes_free(&text);
  /* The flag changes nothing for a record without history. */
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, NULL),
           TRAVELCERT_RESULT_OK);
  CHECK(text.len == sample.len && memcmp(text.data, sample.data, text.len) == 0);
  travelcert_bytes_free(&text);

  /* Encrypted to a reader's public key: another text, which a verifier
   * without the reader's key cannot read. test_encrypt.c reads it. */
  o = sample_options();
  o.encrypt_to = u8(pub);
  o.encrypt_to_len = pub_len;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(err == NULL && text.len > 4 && memcmp(text.data, "TC1:", 4) == 0 &&
        text.data[text.len] == '\0' && text.len != sample.len);
  CHECK_RC(travelcert_verify(verifier, text.data, text.len, VERIFY_AT, &v, &err),
           TRAVELCERT_RESULT_READER_KEY_UNAVAILABLE);
  CHECK(v == NULL && error_named(err, "ReaderKeyUnknown"));
  travelcert_error_free(err);
  travelcert_bytes_free(&text);
  /* Bad reader key files and arguments. */
  o.encrypt_to = u8("{}");
  o.encrypt_to_len = 2;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, &err),
           TRAVELCERT_RESULT_KEY_INVALID);
  CHECK(text.data == NULL && error_named(err, "ReaderKeyJson"));
  travelcert_error_free(err);
  o.encrypt_to = u8(pub);
  o.encrypt_to_len = pub_len / 2;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, NULL),
           TRAVELCERT_RESULT_KEY_INVALID);
  o.encrypt_to_len = SIZE_MAX;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, NULL),
           TRAVELCERT_RESULT_INPUT_TOO_LARGE);
  o.encrypt_to = NULL;
  o.encrypt_to_len = pub_len;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, &text, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  /* A bad record is refused before anything is encrypted. */
  o.encrypt_to = u8(pub);
  o.encrypt_to_len = pub_len;
  CHECK_RC(travelcert_issuer_issue_with_options(issuer, u8(record), record_len / 2, &o, &text,
                                                NULL),
           TRAVELCERT_RESULT_ISSUE_RECORD_INVALID);
  CHECK(text.data == NULL);

done:
  free(recovered);
  free(pub);
}
