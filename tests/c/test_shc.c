/*
 * SMART Health Cards through the C API (feature shc): an issuer's key set and
 * revocation list added to a store, a card verified from one QR text and
 * from its chunks in any order, a missing chunk, and bare key sets refused
 * for a store loaded from a signed list. Fixtures written by tests/c_api.rs:
 * shc-jwks.json, shc-crl.json (the spec's example issuer), shc-00.txt (one
 * QR), shc-02.txt (three chunks, one per line), root.pem and trust.cose.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* 2025-01-01T00:00:00Z: after the examples' nbf, inside trust.cose. */
#define SHC_AT 1735689600
#define SHC_ISSUER "https://spec.smarthealth.cards/examples/issuer"

static size_t trimmed(const char *s, size_t len) {
  while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r')) len--;
  return len;
}

void test_shc(const char *fixtures) {
  size_t jwks_len = 0, crl_len = 0, one_len = 0, chunks_len = 0, root_len = 0, trust_len = 0;
  char *jwks = fixture(fixtures, "shc-jwks.json", &jwks_len);
  char *crl = fixture(fixtures, "shc-crl.json", &crl_len);
  char *one = fixture(fixtures, "shc-00.txt", &one_len);
  char *chunks = fixture(fixtures, "shc-02.txt", &chunks_len);
  char *root = fixture(fixtures, "root.pem", &root_len);
  char *trust = fixture(fixtures, "trust.cose", &trust_len);
  travelcert_trust_store *store = NULL, *with_crl = NULL, *rooted = NULL, *refused = NULL;
  travelcert_verifier *v = NULL;
  travelcert_verified *verified = NULL;
  travelcert_error *err = NULL;
  travelcert_slice parts[3], reversed[3], many[17];
  const char *json = NULL;
  size_t json_len = 0, n = 0;
  uint64_t seq = 0;

  CHECK(jwks && crl && one && chunks && root && trust);
  if (!(jwks && crl && one && chunks && root && trust)) goto done;
  one_len = trimmed(one, one_len);

  /* The issuer's key set, then its revocation list. */
  CHECK_RC(travelcert_trust_store_with_shc_issuer(NULL, u8(SHC_ISSUER), strlen(SHC_ISSUER),
                                                  u8(jwks), jwks_len, &store, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(store != NULL && err == NULL);
  CHECK_RC(travelcert_trust_store_with_shc_crl(store, u8(crl), crl_len, &with_crl, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(with_crl != NULL && err == NULL);
  CHECK_RC(travelcert_verifier_new(with_crl, &v), TRAVELCERT_RESULT_OK);

  /* One QR text through travelcert_verify. */
  CHECK_RC(travelcert_verify(v, u8(one), one_len, SHC_AT, &verified, &err), TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_verified_json(verified, &json, &json_len), TRAVELCERT_RESULT_OK);
  CHECK(contains(json, json_len, "\"format\":\"shc\""));
  travelcert_verified_free(verified);
  verified = NULL;

  /* Three chunks, split at the newlines, given in order and reversed. */
  for (char *p = chunks; n < 3 && *p;) {
    char *end = strchr(p, '\n');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    parts[n].data = u8(p);
    parts[n].len = trimmed(p, len);
    reversed[2 - n] = parts[n];
    n++;
    p = end ? end + 1 : p + len;
  }
  CHECK(n == 3);
  CHECK_RC(travelcert_verify_shc_texts(v, parts, 3, SHC_AT, &verified, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(verified != NULL && err == NULL);
  travelcert_verified_free(verified);
  verified = NULL;
  CHECK_RC(travelcert_verify_shc_texts(v, reversed, 3, SHC_AT, &verified, &err),
           TRAVELCERT_RESULT_OK);
  travelcert_verified_free(verified);
  verified = NULL;

  /* A chunk missing; too many texts; no array. */
  CHECK_RC(travelcert_verify_shc_texts(v, parts, 2, SHC_AT, &verified, &err),
           TRAVELCERT_RESULT_DECODE_TEXT);
  CHECK(verified == NULL && error_named(err, "ShcChunkMissing"));
  travelcert_error_free(err);
  err = NULL;
  for (size_t i = 0; i < 17; i++) many[i] = parts[0];
  CHECK_RC(travelcert_verify_shc_texts(v, many, 17, SHC_AT, &verified, &err),
           TRAVELCERT_RESULT_INPUT_TOO_LARGE);
  travelcert_error_free(err);
  err = NULL;
  CHECK_RC(travelcert_verify_shc_texts(v, NULL, 3, SHC_AT, &verified, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);

  /* A URL that is not https. */
  CHECK_RC(travelcert_trust_store_with_shc_issuer(NULL, u8("http://x.example"), 16, u8(jwks),
                                                  jwks_len, &refused, &err),
           TRAVELCERT_RESULT_TRUST_STORE_INVALID);
  CHECK(refused == NULL && error_named(err, "TrustStoreShcIssuerUrl"));
  travelcert_error_free(err);
  err = NULL;

  /* A store from a signed list refuses a bare key set and revocation list. */
  CHECK_RC(travelcert_trust_store_from_signed_list(u8(trust), trust_len, u8(root), root_len,
                                                   SHC_AT, 0, &rooted, &seq, &err),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_trust_store_with_shc_issuer(rooted, u8(SHC_ISSUER), strlen(SHC_ISSUER),
                                                  u8(jwks), jwks_len, &refused, &err),
           TRAVELCERT_RESULT_TRUST_STORE_INVALID);
  CHECK(refused == NULL && error_named(err, "TrustUnsignedRefused"));
  travelcert_error_free(err);
  err = NULL;
  CHECK_RC(travelcert_trust_store_with_shc_crl(rooted, u8(crl), crl_len, &refused, &err),
           TRAVELCERT_RESULT_TRUST_STORE_INVALID);
  CHECK(refused == NULL && error_named(err, "TrustUnsignedRefused"));
  travelcert_error_free(err);
  err = NULL;

done:
  travelcert_verifier_free(v);
  travelcert_trust_store_free(store);
  travelcert_trust_store_free(with_crl);
  travelcert_trust_store_free(rooted);
  free(jwks);
  free(crl);
  free(one);
  free(chunks);
  free(root);
  free(trust);
}
