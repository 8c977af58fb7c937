/*
 * A small travelcert program in C: issue the sample traveller's certificate
 * with the demo key, verify it offline, and show what a tampered copy gives.
 *
 *   make            # builds the static library (release) and ./verify
 *   ./verify [issuer.key.pem] [traveller.json]
 *
 * It needs a library built with --features "ffi issue render scan" and
 * compiles with -DTRAVELCERT_FEATURE_ISSUE -DTRAVELCERT_FEATURE_RENDER
 * -DTRAVELCERT_FEATURE_SCAN (the Makefile does both); a verifier app needs
 * only --features ffi and no macro.
 *
 * Defaults: demo-issuer.key.pem (the public RFC 8032 test key 1: a DEMO key,
 * never for real certificates) and ../data/traveller.json.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "travelcert.h"

/* 2021-03-10T12:00:00Z, valid 48 hours, checked 2021-03-11T09:00:00Z. */
#define ISSUED_AT 1615377600
#define VALID_FOR (48 * 3600)
#define NOW 1615453200

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (buf = malloc((size_t)n + 1)) != NULL) {
    if (fread(buf, 1, (size_t)n, f) == (size_t)n) {
      *len = (size_t)n;
      buf[n] = '\0';
    } else {
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  return buf;
}

/* Prints a failed call's code, message and error name, and frees the error. */
static int fail(const char *what, travelcert_result rc, travelcert_error *err) {
  char text[128];
  size_t written = 0;
  const char *name = "";
  size_t name_len = 0;
  travelcert_result_text(rc, text, sizeof text, &written);
  travelcert_error_name(err, &name, &name_len);
  fprintf(stderr, "%s: %s (%u, %.*s)\n", what, text, (unsigned)rc, (int)name_len, name);
  travelcert_error_free(err);
  return 1;
}

static void print_field(const travelcert_verified *v, travelcert_field field) {
  const char *s = "";
  size_t len = 0;
  travelcert_verified_field(v, field, &s, &len);
  printf("%.*s", (int)len, s);
}

int main(int argc, char **argv) {
  const char *key_path = argc > 1 ? argv[1] : "demo-issuer.key.pem";
  const char *record_path = argc > 2 ? argv[2] : "../data/traveller.json";
  size_t pem_len = 0, record_len = 0;
  char *pem = read_file(key_path, &pem_len);
  char *record = read_file(record_path, &record_len);
  static const uint8_t id[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  travelcert_issuer *issuer = NULL;
  travelcert_bytes text = {NULL, 0}, trust = {NULL, 0};
  travelcert_trust_store *store = NULL;
  travelcert_verifier *verifier = NULL;
  travelcert_verified *verified = NULL;
  travelcert_error *err = NULL;
  travelcert_result rc;
  int64_t issued_at = 0, expires_at = 0;
  int status = 1;

  if (pem == NULL || record == NULL) {
    fprintf(stderr, "cannot read %s or %s\n", key_path, record_path);
    goto out;
  }
  printf("travelcert %s\n", travelcert_version());

  /* Issuer side: the key, the country, the record JSON -> certificate text. */
  rc = travelcert_issuer_from_pkcs8_pem((const uint8_t *)pem, pem_len, (const uint8_t *)"CN", 2,
                                        &issuer, &err);
  if (rc != TRAVELCERT_RESULT_OK) { fail("loading the key", rc, err); goto out; }
  rc = travelcert_issuer_issue(issuer, (const uint8_t *)record, record_len, ISSUED_AT, VALID_FOR,
                               id, sizeof id, &text, &err);
  if (rc != TRAVELCERT_RESULT_OK) { fail("issuing", rc, err); goto out; }
  printf("WARNING: signed with the public RFC 8032 demo key, not a real issuer key.\n");
  printf("%s\n(%zu characters)\n", (const char *)text.data, text.len);

  /* Verifier side: a trust store (here: the issuer's public key) and the text. */
  rc = travelcert_issuer_trust_store_json(issuer, &trust);
  if (rc != TRAVELCERT_RESULT_OK) { fail("trust store JSON", rc, NULL); goto out; }
  rc = travelcert_trust_store_from_json(trust.data, trust.len, &store, &err);
  if (rc != TRAVELCERT_RESULT_OK) { fail("loading the trust store", rc, err); goto out; }
  rc = travelcert_verifier_new(store, &verifier);
  if (rc != TRAVELCERT_RESULT_OK) { fail("verifier", rc, NULL); goto out; }

  rc = travelcert_verify(verifier, text.data, text.len, NOW, &verified, &err);
  if (rc != TRAVELCERT_RESULT_OK) { fail("verifying", rc, err); goto out; }
  travelcert_verified_validity(verified, &issued_at, &expires_at);
  printf("verified: ");
  print_field(verified, TRAVELCERT_FIELD_HOLDER_PRIMARY_NAME);
  printf(" ");
  print_field(verified, TRAVELCERT_FIELD_HOLDER_SECONDARY_NAME);
  printf(" (");
  print_field(verified, TRAVELCERT_FIELD_HOLDER_NATIVE_NAME);
  printf("), document ");
  print_field(verified, TRAVELCERT_FIELD_DOCUMENT_NUMBER);
  printf(", issued by ");
  print_field(verified, TRAVELCERT_FIELD_ISSUER);
  printf(", valid %lld..%lld\n", (long long)issued_at, (long long)expires_at);

  /* Render the certificate as a PNG QR code (ECC Q, 8 px per module). */
  {
    travelcert_bytes png = {NULL, 0};
    FILE *f = NULL;
    rc = travelcert_render_png(text.data, text.len, 8, &png, &err);
    if (rc != TRAVELCERT_RESULT_OK) {
      status = fail("render", rc, err);
      goto out;
    }
    f = fopen("certificate.png", "wb");
    if (f == NULL || fwrite(png.data, 1, png.len, f) != png.len) {
      fprintf(stderr, "cannot write certificate.png\n");
      if (f != NULL) fclose(f);
      travelcert_bytes_free(&png);
      goto out;
    }
    fclose(f);
    printf("rendered: certificate.png (%zu bytes)\n", png.len);
    travelcert_bytes_free(&png);
  }

  /* A tampered copy: one character changed near the end (the signature). */
  text.data[text.len - 5] = text.data[text.len - 5] == 'A' ? 'B' : 'A';
  {
    travelcert_verified *bad = NULL;
    const char *name = "";
    size_t name_len = 0;
    rc = travelcert_verify(verifier, text.data, text.len, NOW, &bad, &err);
    travelcert_error_name(err, &name, &name_len);
    printf("tampered: %.*s (code %u)\n", (int)name_len, name, (unsigned)rc);
    travelcert_error_free(err);
    travelcert_verified_free(bad);
    if (rc == TRAVELCERT_RESULT_OK) goto out;
  }
  status = 0;

out:
  travelcert_verified_free(verified);
  travelcert_verifier_free(verifier);
  travelcert_trust_store_free(store);
  travelcert_bytes_free(&trust);
  travelcert_bytes_free(&text);
  travelcert_issuer_free(issuer);
  free(pem);
  free(record);
  return status;
}
