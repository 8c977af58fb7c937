/*
 * HC1: trust through the C API (feature hcert): a bare DSC file for a store
 * with no root, refused for a store loaded from a signed list, and accepted
 * there when it chains to a country signing CA; an unchained DSC fails at
 * verification with its own error. Fixtures from tests/hcert-chain, written
 * to the fixtures directory by tests/c_api.rs: csca.pem, csca-rsa.pem,
 * dsc.pem, hcert.txt (an EU DCC signed with dsc.pem's key), root.pem and
 * trust.cose.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* 2021-06-02T00:00:00Z: inside the DSC's and the trust list's validity. */
#define HCERT_AT 1622592000

static travelcert_result verify_hcert(const travelcert_trust_store *store, const char *text,
                                      size_t text_len, travelcert_error **err) {
  travelcert_verifier *v = NULL;
  travelcert_verified *verified = NULL;
  travelcert_result rc = travelcert_verifier_new(store, &v);
  if (rc != TRAVELCERT_RESULT_OK) return rc;
  rc = travelcert_verify(v, u8(text), text_len, HCERT_AT, &verified, err);
  travelcert_verified_free(verified);
  travelcert_verifier_free(v);
  return rc;
}

void test_hcert(const char *fixtures) {
  size_t csca_len = 0, rsa_len = 0, dsc_len = 0, text_len = 0, root_len = 0, trust_len = 0;
  char *csca = fixture(fixtures, "csca.pem", &csca_len);
  char *rsa = fixture(fixtures, "csca-rsa.pem", &rsa_len);
  char *dsc = fixture(fixtures, "dsc.pem", &dsc_len);
  char *text = fixture(fixtures, "hcert.txt", &text_len);
  char *root = fixture(fixtures, "root.pem", &root_len);
  char *trust = fixture(fixtures, "trust.cose", &trust_len);
  travelcert_trust_store *bare = NULL, *rooted = NULL, *chained = NULL, *unchained = NULL,
                         *refused = NULL;
  travelcert_error *err = NULL;
  uint64_t seq = 0;

  CHECK(csca && rsa && dsc && text && root && trust);
  if (!(csca && rsa && dsc && text && root && trust)) goto done;
  while (text_len > 0 && (text[text_len - 1] == '\n' || text[text_len - 1] == '\r')) text_len--;

  /* No root: a bare DSC file is the trust data. */
  CHECK_RC(travelcert_trust_store_with_dsc(NULL, u8(dsc), dsc_len, NULL, 0, &bare, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(bare != NULL && err == NULL);
  CHECK_RC(verify_hcert(bare, text, text_len, &err), TRAVELCERT_RESULT_OK);

  /* A store from a signed list refuses a bare DSC... */
  CHECK_RC(travelcert_trust_store_from_signed_list(u8(trust), trust_len, u8(root), root_len,
                                                   HCERT_AT, 0, &rooted, &seq, &err),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_trust_store_with_dsc(rooted, u8(dsc), dsc_len, NULL, 0, &refused, &err),
           TRAVELCERT_RESULT_TRUST_STORE_INVALID);
  CHECK(refused == NULL && error_named(err, "TrustUnsignedRefused"));
  travelcert_error_free(err);
  err = NULL;

  /* ...and takes one that chains to a CSCA. */
  CHECK_RC(travelcert_trust_store_with_dsc(rooted, u8(dsc), dsc_len, u8(csca), csca_len,
                                           &chained, &err),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(verify_hcert(chained, text, text_len, &err), TRAVELCERT_RESULT_OK);
  CHECK(err == NULL);

  /* A DSC that does not chain to the CSCA given fails at verification. */
  CHECK_RC(travelcert_trust_store_with_dsc(rooted, u8(dsc), dsc_len, u8(rsa), rsa_len,
                                           &unchained, &err),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(verify_hcert(unchained, text, text_len, &err), TRAVELCERT_RESULT_UNKNOWN_KID);
  CHECK(error_named(err, "HcertDscNotChained"));
  travelcert_error_free(err);
  err = NULL;

  /* A CSCA that is no certificate. */
  CHECK_RC(travelcert_trust_store_with_dsc(rooted, u8(dsc), dsc_len, u8("junk"), 4, &refused,
                                           &err),
           TRAVELCERT_RESULT_TRUST_STORE_INVALID);
  CHECK(refused == NULL && error_named(err, "TrustStoreCsca"));
  travelcert_error_free(err);
  err = NULL;

done:
  travelcert_trust_store_free(bare);
  travelcert_trust_store_free(rooted);
  travelcert_trust_store_free(chained);
  travelcert_trust_store_free(unchained);
  free(csca);
  free(rsa);
  free(dsc);
  free(text);
  free(root);
  free(trust);
}
