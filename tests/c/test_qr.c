/* C API tests: rendering and scanning QR codes (features render, scan). */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

void test_render_and_scan(void) {
  travelcert_bytes png = {NULL, 0};
  travelcert_bytes svg = {NULL, 0};
  travelcert_bytes junk = {NULL, 0}; /* out-parameter of calls that must fail */
  travelcert_texts *texts = NULL;
  travelcert_error *err = NULL;
  const char *t = "x";
  size_t len = 7;
  char big[3001];

  /* PNG of the sample, scanned back to exactly the issued text, which verifies. */
  CHECK_RC(travelcert_render_png(sample.data, sample.len, 3, &png, &err), TRAVELCERT_RESULT_OK);
  CHECK(err == NULL && png.data != NULL && png.len > 8 && memcmp(png.data, "\x89PNG", 4) == 0);
  CHECK_RC(travelcert_scan(png.data, png.len, &texts, &err), TRAVELCERT_RESULT_OK);
  CHECK_RC(travelcert_texts_len(texts, &len), TRAVELCERT_RESULT_OK);
  CHECK(len == 1);
  CHECK_RC(travelcert_texts_get(texts, 0, &t, &len), TRAVELCERT_RESULT_OK);
  CHECK(len == sample.len && memcmp(t, sample.data, len) == 0);
  {
    travelcert_verified *v = NULL;
    CHECK_RC(travelcert_verify(verifier, (const uint8_t *)t, len, VERIFY_AT, &v, &err),
             TRAVELCERT_RESULT_OK);
    travelcert_verified_free(v);
  }
  CHECK_RC(travelcert_texts_get(texts, 1, &t, &len), TRAVELCERT_RESULT_INDEX_OUT_OF_RANGE);
  CHECK(t == NULL && len == 0);
  CHECK_RC(travelcert_texts_get(texts, 0, NULL, &len), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_texts_get(NULL, 0, &t, &len), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_texts_len(texts, NULL), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_texts_len(NULL, &len), TRAVELCERT_RESULT_NULL_PARAMETER);
  travelcert_texts_free(texts);
  texts = NULL;
  travelcert_texts_free(NULL);

  /* SVG. */
  CHECK_RC(travelcert_render_svg(sample.data, sample.len, &svg, &err), TRAVELCERT_RESULT_OK);
  CHECK(svg.data != NULL && contains((const char *)svg.data, svg.len, "<svg"));
  travelcert_bytes_free(&svg);

  /* Bad paths: NULLs, empty and invalid UTF-8 text, a text too long for version 25. */
  CHECK_RC(travelcert_render_png(NULL, 1, 3, &junk, NULL), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK(junk.data == NULL && junk.len == 0);
  CHECK_RC(travelcert_render_png(sample.data, sample.len, 3, NULL, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_render_svg(sample.data, sample.len, NULL, NULL),
           TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_render_png(u8("\xff\xfe"), 2, 3, &junk, &err), TRAVELCERT_RESULT_INVALID_UTF8);
  travelcert_error_free(err);
  err = NULL;
  CHECK_RC(travelcert_render_png(sample.data, 0, 3, &junk, &err), TRAVELCERT_RESULT_RENDER_FAILED);
  CHECK(error_named(err, "RenderEmpty"));
  travelcert_error_free(err);
  err = NULL;
  memset(big, 'A', 3000);
  big[3000] = 0;
  CHECK_RC(travelcert_render_svg(u8(big), 3000, &junk, &err), TRAVELCERT_RESULT_RENDER_FAILED);
  CHECK(error_named(err, "RenderTooLarge") && junk.data == NULL);
  travelcert_error_free(err);
  err = NULL;
  CHECK_RC(travelcert_render_png(sample.data, SIZE_MAX, 3, &junk, &err),
           TRAVELCERT_RESULT_INPUT_TOO_LARGE);
  travelcert_error_free(err);
  err = NULL;

  /* Scanning: not an image, a truncated PNG, NULLs, an image with no code. */
  CHECK_RC(travelcert_scan(u8("not an image"), 12, &texts, &err),
           TRAVELCERT_RESULT_SCAN_IMAGE_INVALID);
  CHECK(texts == NULL && error_named(err, "ScanUnsupportedFormat"));
  travelcert_error_free(err);
  err = NULL;
  CHECK_RC(travelcert_scan(png.data, png.len / 2, &texts, &err),
           TRAVELCERT_RESULT_SCAN_IMAGE_INVALID);
  CHECK(texts == NULL);
  travelcert_error_free(err);
  err = NULL;
  CHECK_RC(travelcert_scan(NULL, 10, &texts, NULL), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_scan(png.data, png.len, NULL, NULL), TRAVELCERT_RESULT_NULL_PARAMETER);
  CHECK_RC(travelcert_scan(png.data, 0, &texts, &err), TRAVELCERT_RESULT_SCAN_IMAGE_INVALID);
  travelcert_error_free(err);
  err = NULL;
  travelcert_bytes_free(&png);
}
