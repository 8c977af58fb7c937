/* C API tests: signed trust and revocation lists, border rules. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

void test_offline_data(const char *dir) {
  size_t root_len = 0, trust_len = 0, revoked_len = 0, policy_len = 0;
  char *root = fixture(dir, "root.pem", &root_len);
  char *trust = fixture(dir, "trust.cose", &trust_len);
  char *revoked = fixture(dir, "revoked.cose", &revoked_len);
  char *policy_json = fixture(dir, "policy.json", &policy_len);
  travelcert_trust_store *store = NULL;
  travelcert_revocation_list *list = NULL;
  travelcert_verifier *v = NULL;
  travelcert_verified *verified = NULL;
  travelcert_policy *policy = NULL;
  travelcert_error *err = NULL;
  travelcert_bytes view = {NULL, 0};
  travelcert_result outcome = TRAVELCERT_RESULT_OK;
  uint64_t seq = 99;

  CHECK(root != NULL && trust != NULL && revoked != NULL && policy_json != NULL);
  if (root == NULL || trust == NULL || revoked == NULL || policy_json == NULL) goto done;

  /* Signed trust list: accepted once, refused as a rollback at its own sequence. */
  CHECK_RC(travelcert_trust_store_from_signed_list(u8(trust), trust_len, u8(root), root_len,
                                                   VERIFY_AT, 0, &store, &seq, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(store != NULL && seq == 5 && err == NULL);
  {
    travelcert_trust_store *again = NULL;
    CHECK_RC(travelcert_trust_store_from_signed_list(u8(trust), trust_len, u8(root), root_len,
                                                     VERIFY_AT, 5, &again, &seq, &err),
             TRAVELCERT_RESULT_SIGNED_LIST_NOT_CURRENT);
    CHECK(again == NULL && seq == 0 && error_named(err, "ListRollback"));
    travelcert_error_free(err);
    err = NULL;
    /* A list is no root key: no PEM block. */
    CHECK_RC(travelcert_trust_store_from_signed_list(u8(trust), trust_len, u8(policy_json),
                                                     policy_len, VERIFY_AT, 0, &again, &seq, &err),
             TRAVELCERT_RESULT_INVALID_ARGUMENT);
    travelcert_error_free(err);
    err = NULL;
    /* Tampered list: one byte of the signed content changed. */
    trust[trust_len / 2] ^= 0x01;
    CHECK(travelcert_trust_store_from_signed_list(u8(trust), trust_len, u8(root), root_len,
                                                  VERIFY_AT, 0, &again, &seq, &err) !=
          TRAVELCERT_RESULT_OK);
    CHECK(again == NULL && err != NULL);
    trust[trust_len / 2] ^= 0x01;
    travelcert_error_free(err);
    err = NULL;
    CHECK_RC(travelcert_trust_store_from_signed_list(NULL, trust_len, u8(root), root_len,
                                                     VERIFY_AT, 0, &again, &seq, NULL),
             TRAVELCERT_RESULT_NULL_PARAMETER);
    CHECK_RC(travelcert_trust_store_from_signed_list(u8(trust), trust_len, u8(root), root_len,
                                                     VERIFY_AT, 0, NULL, &seq, NULL),
             TRAVELCERT_RESULT_NULL_PARAMETER);
    CHECK_RC(travelcert_trust_store_from_signed_list(u8(trust), trust_len, u8(root), root_len,
                                                     VERIFY_AT, 0, &again, NULL, NULL),
             TRAVELCERT_RESULT_NULL_PARAMETER);
  }

  /* Revocation list: the sample (CN, CERT_ID) is revoked. */
  CHECK_RC(travelcert_revocation_list_from_signed(u8(revoked), revoked_len, u8(root), root_len,
                                                  VERIFY_AT, 0, &list, &seq, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(list != NULL && seq == 3);
  CHECK_RC(travelcert_verifier_new_with_revocations(store, list, &v), TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_verify(v, sample.data, sample.len, VERIFY_AT, &verified, &err),
           TRAVELCERT_RESULT_REVOKED);
  CHECK(verified == NULL && error_named(err, "CertificateRevoked"));
  travelcert_error_free(err);
  err = NULL;
  {
    travelcert_verifier *no_verifier = NULL;
    travelcert_revocation_list *no_list = NULL;
    CHECK_RC(travelcert_verifier_new_with_revocations(NULL, list, &no_verifier),
             TRAVELCERT_RESULT_NULL_PARAMETER);
    CHECK_RC(travelcert_verifier_new_with_revocations(store, NULL, &no_verifier),
             TRAVELCERT_RESULT_NULL_PARAMETER);
    CHECK(no_verifier == NULL);
    CHECK_RC(travelcert_revocation_list_from_signed(u8(revoked), revoked_len, u8(root), root_len,
                                                    VERIFY_AT, 3, &no_list, &seq, &err),
             TRAVELCERT_RESULT_SIGNED_LIST_NOT_CURRENT);
    CHECK(no_list == NULL && error_named(err, "ListRollback"));
  }
  travelcert_error_free(err);
  err = NULL;
  travelcert_revocation_list_free(NULL);

  /* Policy: the entry rule refuses the sample (one NAT, no IgM). */
  CHECK_RC(travelcert_policy_from_json(u8(policy_json), policy_len, &policy, &err),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_verify(verifier, sample.data, sample.len, VERIFY_AT, &verified, &err),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_policy_evaluate(policy, verified, VERIFY_AT, VERIFY_AT + 3600, &outcome,
                                      &view, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(outcome == TRAVELCERT_RESULT_POLICY_REFUSED);
  CHECK(view.data != NULL && contains((const char *)view.data, view.len, "double-nat") &&
        contains((const char *)view.data, view.len, "refused"));
  travelcert_bytes_free(&view);
  CHECK_RC(travelcert_policy_evaluate(NULL, verified, VERIFY_AT, -1, &outcome, &view, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_policy_evaluate(policy, NULL, VERIFY_AT, -1, &outcome, &view, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_policy_evaluate(policy, verified, VERIFY_AT, -1, NULL, &view, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_policy_evaluate(policy, verified, VERIFY_AT, -1, &outcome, NULL, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_policy_evaluate(policy, verified, -5, -1, &outcome, &view, &err),
           TRAVELCERT_RESULT_INVALID_ARGUMENT);
  travelcert_error_free(err);
  err = NULL;
  {
    travelcert_policy *bad = NULL;
    CHECK_RC(travelcert_policy_from_json(u8("{"), 1, &bad, &err), TRAVELCERT_RESULT_POLICY_INVALID);
    CHECK(bad == NULL && err != NULL);
    travelcert_error_free(err);
    err = NULL;
    CHECK_RC(travelcert_policy_from_json(u8("\xff"), 1, &bad, NULL), TRAVELCERT_RESULT_POLICY_INVALID);
    CHECK_RC(travelcert_policy_from_json(NULL, 1, &bad, NULL), TRAVELCERT_RESULT_NULL_PARAMETER);
  }
  travelcert_policy_free(NULL);

done:
  travelcert_verified_free(verified);
  travelcert_policy_free(policy);
  travelcert_verifier_free(v);
  travelcert_revocation_list_free(list);
  travelcert_trust_store_free(store);
  free(root);
  free(trust);
  free(revoked);
  free(policy_json);
}

/* Removes the state directory `dir` and the files the library keeps in it. */
static void remove_state_dir(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/lists.json", dir);
  remove(path);
  rmdir(dir);
}

void test_list_state(const char *dir) {
  size_t root_len = 0, trust_len = 0, revoked_len = 0;
  char *root = fixture(dir, "root.pem", &root_len);
  char *trust = fixture(dir, "trust.cose", &trust_len);
  char *revoked = fixture(dir, "revoked.cose", &revoked_len);
  char state[] = "/tmp/travelcert-c-state-XXXXXX";
  travelcert_trust_store *store = NULL;
  travelcert_revocation_list *list = NULL;
  travelcert_error *err = NULL;

  CHECK(root != NULL && trust != NULL && revoked != NULL);
  CHECK(mkdtemp(state) != NULL);
  if (root == NULL || trust == NULL || revoked == NULL) goto done;

  /* The list state lives in a directory the verifier owns: the list loads,
   * the same list loads again, and the state file is written there. */
  CHECK_RC(travelcert_trust_store_from_signed_list_with_state(
               u8(trust), trust_len, u8(root), root_len, u8(state), strlen(state), VERIFY_AT,
               &store, &err),
           TRAVELCERT_RESULT_OK);
  {
    size_t keys = 0;
    CHECK(store != NULL && err == NULL);
    CHECK_RC(travelcert_trust_store_len(store, &keys), TRAVELCERT_RESULT_OK);
    CHECK(keys == 1);
  }
  travelcert_trust_store_free(store);
  store = NULL;
  CHECK_RC(travelcert_trust_store_from_signed_list_with_state(
               u8(trust), trust_len, u8(root), root_len, u8(state), strlen(state), VERIFY_AT,
               &store, &err),
           TRAVELCERT_RESULT_OK);
  {
    char path[4096];
    FILE *saved = NULL;
    snprintf(path, sizeof path, "%s/lists.json", state);
    saved = fopen(path, "r");
    CHECK(saved != NULL);
    if (saved != NULL) fclose(saved);
  }
  CHECK_RC(travelcert_revocation_list_from_signed_with_state(
               u8(revoked), revoked_len, u8(root), root_len, u8(state), strlen(state), VERIFY_AT,
               &list, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(list != NULL && err == NULL);

  /* A root scoped to other countries may not vouch for the list's CN keys. */
  {
    const char *scope = "scope: HK\n";
    size_t scoped_len = strlen(scope) + root_len;
    char *scoped = malloc(scoped_len);
    travelcert_trust_store *refused = NULL;
    CHECK(scoped != NULL);
    if (scoped != NULL) {
      memcpy(scoped, scope, strlen(scope));
      memcpy(scoped + strlen(scope), root, root_len);
      CHECK_RC(travelcert_trust_store_from_signed_list_with_state(
                   u8(trust), trust_len, u8(scoped), scoped_len, u8(state), strlen(state),
                   VERIFY_AT, &refused, &err),
               TRAVELCERT_RESULT_TRUST_LIST_KEY_OUT_OF_SCOPE);
      CHECK(refused == NULL && error_named(err, "ListKeyOutOfScope"));
      travelcert_error_free(err);
      err = NULL;
      free(scoped);
    }
  }

  /* A state directory that is a file is refused; NULL arguments too. */
  {
    char path[4096];
    travelcert_trust_store *refused = NULL;
    snprintf(path, sizeof path, "%s/trust.cose", dir);
    CHECK_RC(travelcert_trust_store_from_signed_list_with_state(
                 u8(trust), trust_len, u8(root), root_len, u8(path), strlen(path), VERIFY_AT,
                 &refused, &err),
             TRAVELCERT_RESULT_STATE_INVALID);
    CHECK(refused == NULL && err != NULL);
    travelcert_error_free(err);
    err = NULL;
    CHECK_RC(travelcert_trust_store_from_signed_list_with_state(
                 u8(trust), trust_len, u8(root), root_len, NULL, 0, VERIFY_AT, &refused, NULL),
             TRAVELCERT_RESULT_NULL_PARAMETER);
  }

done:
  travelcert_revocation_list_free(list);
  travelcert_trust_store_free(store);
  travelcert_error_free(err);
  remove_state_dir(state);
  free(root);
  free(trust);
  free(revoked);
}
