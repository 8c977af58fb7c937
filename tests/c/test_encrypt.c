/* C API tests: reader keys and encrypted certificates (features encrypt, issue). */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The sample with its fixed id, encrypted to the reader key file `to`. */
static travelcert_result issue_encrypted(const char *to, size_t to_len, travelcert_bytes *text) {
  travelcert_issue_options o;
  memset(&o, 0, sizeof o);
  o.size = sizeof o;
  o.issued_at_unix = ISSUED_AT;
  o.valid_for_seconds = VALID_FOR;
  o.certificate_id = CERT_ID;
  o.certificate_id_len = sizeof CERT_ID;
  o.encrypt_to = u8(to);
  o.encrypt_to_len = to_len;
  return travelcert_issuer_issue_with_options(issuer, u8(record), record_len, &o, text, NULL);
}

/* `text` verifies with `v` as the sample: its document number and id. */
static int verifies_as_sample(const travelcert_verifier *v, const travelcert_bytes *text) {
  travelcert_verified *ok = NULL;
  const char *s = NULL;
  size_t len = 0;
  int good = travelcert_verify(v, text->data, text->len, VERIFY_AT, &ok, NULL) ==
                 TRAVELCERT_RESULT_OK &&
             travelcert_verified_field(ok, TRAVELCERT_FIELD_DOCUMENT_NUMBER, &s, &len) ==
                 TRAVELCERT_RESULT_OK &&
             str_eq(s, len, "E12345678") &&
             travelcert_verified_field(ok, TRAVELCERT_FIELD_CERTIFICATE_ID, &s, &len) ==
                 TRAVELCERT_RESULT_OK &&
             str_eq(s, len, "0123456789abcdef");
  travelcert_verified_free(ok);
  return good;
}

void test_reader_keys(const char *dir) {
  size_t shared_len = 0, secret_len = 0, pub_len = 0, other_len = 0;
  char *shared = fixture(dir, "reader.shared.json", &shared_len);
  char *secret = fixture(dir, "reader.key.json", &secret_len);
  char *pub = fixture(dir, "reader.pub.json", &pub_len);
  char *other = fixture(dir, "other.key.json", &other_len);
  travelcert_reader_keys *keys = NULL;
  travelcert_reader_keys *wrong = NULL;
  travelcert_verifier *reader = NULL;
  travelcert_verifier *stranger = NULL;
  travelcert_verifier *junk = NULL;
  travelcert_verified *v = NULL;
  travelcert_error *err = NULL;
  travelcert_bytes mode1 = {NULL, 0};
  travelcert_bytes mode2 = {NULL, 0};
  travelcert_batch *batch = NULL;
  size_t n = 99;
  static const char kid_mismatch[] =
      "{\"kind\":\"aes-256-gcm\",\"kid\":\"0000000000000000\",\"key\":"
      "\"1111111111111111111111111111111111111111111111111111111111111111\"}";
  static const char short_key[] = "{\"kind\":\"aes-256-gcm\",\"key\":\"1111\"}";

  CHECK(shared != NULL && secret != NULL && pub != NULL && other != NULL);
  if (shared == NULL || secret == NULL || pub == NULL || other == NULL) goto done;

  /* A set of keys: empty, then a shared key and an X25519 key pair. */
  CHECK_RC(travelcert_reader_keys_new(NULL), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_reader_keys_new(&keys), TRAVELCERT_RESULT_OK);
  CHECK(keys != NULL);
  CHECK_RC(travelcert_reader_keys_len(keys, &n), TRAVELCERT_RESULT_OK);
  CHECK(n == 0);
  CHECK_RC(travelcert_reader_keys_add_json(keys, u8(shared), shared_len, &err),
           TRAVELCERT_RESULT_OK);
  CHECK(err == NULL);
  CHECK_RC(travelcert_reader_keys_add_json(keys, u8(secret), secret_len, NULL),
           TRAVELCERT_RESULT_OK);
  /* The same kid again is ignored. */
  CHECK_RC(travelcert_reader_keys_add_json(keys, u8(secret), secret_len, NULL),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_reader_keys_len(keys, &n), TRAVELCERT_RESULT_OK);
  CHECK(n == 2);

  /* Files that are refused, each with its name; the set is unchanged. */
  CHECK_RC(travelcert_reader_keys_add_json(keys, u8(pub), pub_len, &err),
           TRAVELCERT_RESULT_KEY_INVALID);
  CHECK(error_named(err, "ReaderKeyPublicOnly"));
  travelcert_error_free(err);
  CHECK_RC(travelcert_reader_keys_add_json(keys, u8("{"), 1, &err), TRAVELCERT_RESULT_KEY_INVALID);
  CHECK(error_named(err, "ReaderKeyJson"));
  travelcert_error_free(err);
  CHECK_RC(travelcert_reader_keys_add_json(keys, INVALID_UTF8, sizeof INVALID_UTF8, &err),
           TRAVELCERT_RESULT_KEY_INVALID);
  CHECK(error_named(err, "ReaderKeyJson"));
  travelcert_error_free(err);
  CHECK_RC(travelcert_reader_keys_add_json(keys, u8(kid_mismatch), strlen(kid_mismatch), &err),
           TRAVELCERT_RESULT_KEY_INVALID);
  CHECK(error_named(err, "ReaderKeyKidMismatch"));
  travelcert_error_free(err);
  CHECK_RC(travelcert_reader_keys_add_json(keys, u8(short_key), strlen(short_key), &err),
           TRAVELCERT_RESULT_KEY_INVALID);
  CHECK(error_named(err, "ReaderKeyField"));
  travelcert_error_free(err);
  CHECK_RC(travelcert_reader_keys_add_json(keys, u8(shared), 0, NULL),
           TRAVELCERT_RESULT_KEY_INVALID);
  CHECK_RC(travelcert_reader_keys_add_json(keys, u8(shared), SIZE_MAX, NULL),
           TRAVELCERT_RESULT_INPUT_TOO_LARGE);
  CHECK_RC(travelcert_reader_keys_add_json(keys, NULL, shared_len, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_reader_keys_add_json(NULL, u8(shared), shared_len, &err),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK(error_named(err, "NullParameter"));
  travelcert_error_free(err);
  CHECK_RC(travelcert_reader_keys_len(keys, &n), TRAVELCERT_RESULT_OK);
  CHECK(n == 2);
  CHECK_RC(travelcert_reader_keys_len(NULL, &n), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK(n == 0);
  CHECK_RC(travelcert_reader_keys_len(keys, NULL), TRAVELCERT_RESULT_NULL_PARAMETER);

  /* A verifier holding the keys; the set is copied and may be freed at once. */
  CHECK_RC(travelcert_verifier_with_reader_keys(NULL, keys, &junk),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_verifier_with_reader_keys(verifier, NULL, &junk),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_verifier_with_reader_keys(verifier, keys, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK(junk == NULL);
  CHECK_RC(travelcert_verifier_with_reader_keys(verifier, keys, &reader), TRAVELCERT_RESULT_OK);
  travelcert_reader_keys_free(keys);
  keys = NULL;
  travelcert_reader_keys_free(NULL);

  /* Mode 1 (shared key) and mode 2 (X25519) certificates: the reader reads
   * both; the verifier it was made from still reads neither. */
  CHECK_RC(issue_encrypted(shared, shared_len, &mode1), TRAVELCERT_RESULT_OK);
  CHECK_RC(issue_encrypted(pub, pub_len, &mode2), TRAVELCERT_RESULT_OK);
  CHECK(mode1.len > 0 && mode2.len > 0 && mode1.len != mode2.len);
  CHECK(verifies_as_sample(reader, &mode1));
  CHECK(verifies_as_sample(reader, &mode2));
  CHECK(verifies_as_sample(reader, &sample)); /* plain certificates still verify */
  CHECK_RC(travelcert_verify(verifier, mode1.data, mode1.len, VERIFY_AT, &v, &err),
           TRAVELCERT_RESULT_READER_KEY_UNAVAILABLE);
  CHECK(v == NULL && error_named(err, "ReaderKeyUnknown"));
  travelcert_error_free(err);

  /* A verifier with another reader's key: not readable with the keys held. */
  CHECK_RC(travelcert_reader_keys_new(&wrong), TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_reader_keys_add_json(wrong, u8(other), other_len, NULL),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_verifier_with_reader_keys(verifier, wrong, &stranger),
           TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_verify(stranger, mode2.data, mode2.len, VERIFY_AT, &v, &err),
           TRAVELCERT_RESULT_READER_KEY_UNAVAILABLE);
  CHECK(v == NULL && error_named(err, "ReaderKeyUnknown"));
  travelcert_error_free(err);

  /* A changed character inside the ciphertext never verifies. */
  mode2.data[mode2.len / 2] = mode2.data[mode2.len / 2] == 'A' ? 'B' : 'A';
  CHECK(travelcert_verify(reader, mode2.data, mode2.len, VERIFY_AT, &v, &err) !=
        TRAVELCERT_RESULT_OK);
  CHECK(v == NULL && err != NULL);
  travelcert_error_free(err);

  /* A batch through the reader: encrypted, tampered and plain texts. */
  {
    travelcert_slice texts[3];
    travelcert_result code = TRAVELCERT_RESULT_INTERNAL;
    const travelcert_verified *bv = NULL;
    const travelcert_error *be = NULL;
    texts[0].data = mode1.data;
    texts[0].len = mode1.len;
    texts[1].data = mode2.data;
    texts[1].len = mode2.len;
    texts[2].data = sample.data;
    texts[2].len = sample.len;
    CHECK_RC(travelcert_verify_batch(reader, texts, 3, VERIFY_AT, &batch), TRAVELCERT_RESULT_OK);
    CHECK_RC(travelcert_batch_get(batch, 0, &code, &bv, &be), TRAVELCERT_RESULT_OK);
    CHECK(code == TRAVELCERT_RESULT_OK && bv != NULL && be == NULL);
    CHECK_RC(travelcert_batch_get(batch, 1, &code, &bv, &be), TRAVELCERT_RESULT_OK);
    CHECK(code != TRAVELCERT_RESULT_OK && bv == NULL && be != NULL);
    CHECK_RC(travelcert_batch_get(batch, 2, &code, &bv, &be), TRAVELCERT_RESULT_OK);
    CHECK(code == TRAVELCERT_RESULT_OK && bv != NULL);
  }

done:
  travelcert_batch_free(batch);
  travelcert_bytes_free(&mode1);
  travelcert_bytes_free(&mode2);
  travelcert_verifier_free(stranger);
  travelcert_verifier_free(reader);
  travelcert_reader_keys_free(wrong);
  travelcert_reader_keys_free(keys);
  free(shared);
  free(secret);
  free(pub);
  free(other);
}
