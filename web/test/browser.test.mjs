// Browser test of the offline web verifier in web/dist (built by web/build.sh),
// in headless Chromium (Debian's `chromium`; CHROMIUM=path overrides) driven by
// puppeteer-core:
//   1. load the sample trust store (tests/vectors/01-sample.json), upload the
//      sample certificate's PNG (docs/sample-certificate.png): valid, holder named;
//   2. paste a certificate with a flipped signature byte (vector 23): invalid,
//      with the vector's error name;
//   3. stop the local server, reload: the page, the wasm and the trust data
//      come from the service worker's cache and IndexedDB; verify both again;
//   4. time image → verdict (the page's own measure) and print it;
//   5. the camera with a fake device, border rules (accepted, refused), and
//      the camera reading the sample from a fake video of its PNG.
// TC_SCREENSHOTS=1 also writes docs/web-valid.png and docs/web-invalid.png.
import { createServer } from 'node:http';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const dist = join(repo, 'web/dist');
const png = join(repo, 'docs/sample-certificate.png');
const sample = JSON.parse(await readFile(join(repo, 'tests/vectors/01-sample.json'), 'utf8'));
const tampered = JSON.parse(await readFile(join(repo, 'tests/vectors/23-tampered-signature.json'), 'utf8'));
const holder = `${sample.expected.record.holder.primary_name} ${sample.expected.record.holder.secondary_name}`;
const atMs = sample.verify_at * 1000;

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.webmanifest': 'application/manifest+json', '.png': 'image/png',
};

function serve() {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = join(dist, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dist)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const server = await serve();
const url = `http://127.0.0.1:${server.address().port}/`;
const work = await mkdtemp(join(tmpdir(), 'travelcert-web-'));
const storeFile = join(work, 'trust.json');
await writeFile(storeFile, JSON.stringify(sample.trust_store));

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    // A fake camera (a moving test pattern, no QR code) and no permission prompt.
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
});
let failed = false;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 480, height: 900 });
  page.on('pageerror', (e) => console.error('page error:', e.message));

  const ready = () => page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const setAt = () => page.$eval('#at', (el, ms) => {
    const d = new Date(ms);
    const p = (n) => String(n).padStart(2, '0');
    el.value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }, atMs);
  const outcome = async () => {
    await page.waitForSelector('#result[data-status]:not([data-status="pending"])', { timeout: 60_000 });
    return page.$eval('#result', (el) => ({
      status: el.dataset.status, error: el.dataset.error, ms: Number(el.dataset.ms), text: el.innerText,
    }));
  };
  const clear = () => page.$eval('#result', (el) => el.removeAttribute('data-status'));
  const uploadImage = async () => {
    await clear();
    const t0 = performance.now();
    await (await page.$('#image-file')).uploadFile(png);
    const r = await outcome();
    return { ...r, wall: performance.now() - t0 };
  };
  const pasteTampered = async () => {
    await clear();
    await page.$eval('#text-input', (el, t) => { el.value = t; }, tampered.qr_text);
    await page.click('#verify');
    return outcome();
  };
  const shot = async (name) => {
    if (process.env.TC_SCREENSHOTS) {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(repo, 'docs', name) });
      console.log(`screenshot docs/${name}`);
    }
  };

  // 1. Online: trust store, then the sample PNG.
  await page.goto(url, { waitUntil: 'load' });
  await ready();
  assert.equal(await page.$eval('#result', (el) => el.hasAttribute('data-status')), false);
  await (await page.$('#trust-file')).uploadFile(storeFile);
  await page.waitForFunction(() => /issuer key/.test(document.getElementById('trust-status').textContent), { timeout: 30_000 });
  await setAt();
  const valid = await uploadImage();
  assert.equal(valid.status, 'valid', valid.text);
  assert.ok(valid.text.includes(holder), `holder ${holder} not shown: ${valid.text}`);
  console.log(`ok: sample PNG → valid, holder "${holder}" shown`);
  await shot('web-valid.png');

  // 2. A tampered certificate.
  const invalid = await pasteTampered();
  assert.equal(invalid.status, 'invalid', invalid.text);
  assert.equal(invalid.error, tampered.error);
  assert.ok(invalid.text.includes(tampered.error), invalid.text);
  console.log(`ok: tampered text → invalid, ${invalid.error}`);
  await shot('web-invalid.png');

  // 2b. An EU DCC (HC1:) with its document signer certificate, when the
  // build reads HC1: (the page's default build does).
  if (await page.evaluate(() => !document.getElementById('dsc-group').hidden)) {
    const dcc = JSON.parse(await readFile(join(repo, 'tests/interop/dgc-testdata/DK/3.json'), 'utf8'));
    const dscFile = join(work, 'dsc.der');
    await writeFile(dscFile, Buffer.from(dcc.TESTCTX.CERTIFICATE, 'base64'));
    await (await page.$('#dsc-file')).uploadFile(dscFile);
    await page.waitForFunction(() => /document signer/.test(document.getElementById('trust-status').textContent), { timeout: 30_000 });
    await page.$eval('#at', (el, iso) => {
      const d = new Date(iso);
      const p = (n) => String(n).padStart(2, '0');
      el.value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    }, dcc.TESTCTX.VALIDATIONCLOCK);
    await clear();
    await page.$eval('#text-input', (el, t) => { el.value = t; }, dcc.PREFIX);
    await page.click('#verify');
    const eu = await outcome();
    assert.equal(eu.status, 'valid', eu.text);
    assert.ok(eu.text.includes('eu-dcc'), eu.text);
    console.log('ok: HC1: (dgc-testdata DK/3) with its DSC → valid, format eu-dcc');
    await setAt();
  }

  // 2c. A SMART Health Card (spec example 00) with the example issuer's key
  // set, when the build reads shc:/ (the page's default build does).
  if (await page.evaluate(() => !document.getElementById('shc-group').hidden)) {
    const shc = join(repo, 'tests/interop/shc/examples');
    await page.$eval('#shc-issuer', (el) => { el.value = 'https://spec.smarthealth.cards/examples/issuer'; });
    await (await page.$('#shc-keys-file')).uploadFile(join(shc, 'issuer/jwks.json'));
    await page.waitForFunction(() => /SMART Health Card keys/.test(document.getElementById('trust-status').textContent), { timeout: 30_000 });
    await page.$eval('#at', (el) => { el.value = '2025-01-01T00:00:00'; });
    await clear();
    const card = (await readFile(join(shc, 'example-00-f-qr-code-numeric-value-0.txt'), 'utf8')).trim();
    await page.$eval('#text-input', (el, t) => { el.value = t; }, card);
    await page.click('#verify');
    const smart = await outcome();
    assert.equal(smart.status, 'valid', smart.text);
    assert.ok(smart.text.includes('shc'), smart.text);
    console.log('ok: shc:/ (specification example 00) with the issuer key set → valid, format shc');
    // Example 02's three chunks pasted one per line, out of order: one card.
    const chunks = [];
    for (const i of [2, 0, 1]) chunks.push((await readFile(join(shc, `example-02-f-qr-code-numeric-value-${i}.txt`), 'utf8')).trim());
    await clear();
    await page.$eval('#text-input', (el, t) => { el.value = t; }, chunks.join('\n'));
    await page.click('#verify');
    const three = await outcome();
    assert.equal(three.status, 'valid', three.text);
    assert.ok(three.text.includes('from 3 QR codes'), three.text);
    assert.equal(await page.$eval('#result', (el) => el.dataset.codes), '3');
    await clear();
    await page.$eval('#text-input', (el, t) => { el.value = t; }, chunks.slice(0, 2).join('\n'));
    await page.click('#verify');
    const missing = await outcome();
    assert.equal(missing.status, 'invalid', missing.text);
    assert.equal(missing.error, 'ShcChunkMissing', missing.text);
    console.log('ok: shc:/ example 02 as three chunks in any order → one valid card; two chunks → ShcChunkMissing');
    await setAt();
  }

  // 3. Offline: the service worker must control the page before the server stops.
  const controlled = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    for (let i = 0; i < 50 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 100));
    return Boolean(navigator.serviceWorker.controller);
  });
  assert.ok(controlled, 'no service worker controls the page');
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  await assert.rejects(fetch(url), 'the local server is still up');
  const response = await page.reload({ waitUntil: 'load' });
  assert.ok(response.fromServiceWorker(), 'the reloaded page did not come from the service worker');
  await ready();
  await setAt();
  const offline = await uploadImage();
  assert.equal(offline.status, 'valid', offline.text);
  assert.ok(offline.text.includes(holder));
  assert.equal((await pasteTampered()).error, tampered.error);
  console.log('ok: server stopped, reload from the service worker cache, trust data from IndexedDB: valid and invalid again');

  // 4. Image → verdict, measured by the page (file chosen → verdict shown).
  const times = [];
  for (let i = 0; i < 5; i++) times.push((await uploadImage()).ms);
  times.sort((a, b) => a - b);
  console.log(`image → verdict in the browser: median ${times[2].toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[4].toFixed(0)}; 5 runs, ${png.split('/').pop()})`);

  // The camera: Start scans frames (the fake camera shows no code), Stop ends it.
  await clear();
  await page.click('#camera');
  await page.waitForSelector('#camera[aria-pressed="true"]', { timeout: 30_000 });
  await page.waitForFunction(() => document.getElementById('camera-view').videoWidth > 0, { timeout: 30_000 });
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await page.$eval('#result', (el) => el.hasAttribute('data-status')), false, 'a frame without a code gave a verdict');
  await page.click('#camera');
  await page.waitForSelector('#camera[aria-pressed="false"]', { timeout: 10_000 });
  assert.equal(await page.$eval('#camera-view', (v) => v.hidden && v.srcObject === null), true);
  console.log('ok: camera starts, scans frames without a code (no verdict), stops');

  // 5. Border rules: the officer's privacy view, green or red.
  const rulesFile = (name) => join(repo, 'examples/policies', name);
  await (await page.$('#rules-file')).uploadFile(rulesFile('recent-negative-nat.json'));
  await page.waitForFunction(() => /border rules/.test(document.getElementById('trust-status').textContent), { timeout: 30_000 });
  const accepted = await uploadImage();
  assert.equal(accepted.status, 'accepted', accepted.text);
  assert.ok(accepted.text.includes(holder));
  // Two NATs are required; the sample holds one.
  await (await page.$('#rules-file')).uploadFile(rulesFile('entry-double-nat.json'));
  await page.waitForFunction(() => /entry-double-nat/.test(document.getElementById('trust-status').textContent), { timeout: 30_000 });
  const refused = await uploadImage();
  assert.equal(refused.status, 'refused', refused.text);
  console.log('ok: rules recent-negative-nat → accepted; entry-double-nat → refused');

  // 6. The camera reading the certificate: a Y4M video of the sample PNG
  // (drawn by this page on a 640×480 white frame) as Chromium's fake camera,
  // in a second browser with its own profile and a server on a new port.
  const luma = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = document.createElement('canvas');
    c.width = 640; c.height = 480;
    const g = c.getContext('2d');
    g.fillStyle = '#fff'; g.fillRect(0, 0, 640, 480);
    const k = Math.min(440 / bitmap.width, 440 / bitmap.height);
    const w = Math.round(bitmap.width * k), h = Math.round(bitmap.height * k);
    g.imageSmoothingEnabled = false;
    g.drawImage(bitmap, (640 - w) >> 1, (480 - h) >> 1, w, h);
    const d = g.getImageData(0, 0, 640, 480).data;
    const y = [];
    for (let i = 0; i < d.length; i += 4) y.push(Math.round(0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]));
    return y;
  }, (await readFile(png)).toString('base64'));
  const chroma = Buffer.alloc(320 * 240 * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.from(luma), chroma]);
  const video = join(work, 'certificate.y4m');
  await writeFile(video, Buffer.concat([Buffer.from('YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n'), frame, frame]));
  const server2 = await serve();
  const browser2 = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  });
  try {
    const cam = await browser2.newPage();
    await cam.goto(`http://127.0.0.1:${server2.address().port}/`, { waitUntil: 'load' });
    await cam.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await (await cam.$('#trust-file')).uploadFile(storeFile);
    await cam.waitForFunction(() => /issuer key/.test(document.getElementById('trust-status').textContent), { timeout: 30_000 });
    await cam.$eval('#at', (el, ms) => {
      const d = new Date(ms);
      const p = (n) => String(n).padStart(2, '0');
      el.value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    }, atMs);
    await cam.click('#camera');
    await cam.waitForSelector('#result[data-status]:not([data-status="pending"])', { timeout: 60_000 });
    const seen = await cam.$eval('#result', (el) => ({ status: el.dataset.status, text: el.innerText }));
    assert.equal(seen.status, 'valid', seen.text);
    assert.ok(seen.text.includes(holder), seen.text);
    assert.equal(await cam.$eval('#camera', (b) => b.getAttribute('aria-pressed')), 'false', 'the camera did not stop after a code');
    console.log('ok: camera (fake device playing the sample PNG) → valid, camera stopped');
  } finally {
    await browser2.close();
    server2.closeAllConnections();
    server2.close();
  }
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await browser.close();
  server.closeAllConnections?.();
  server.close();
  await rm(work, { recursive: true, force: true });
}
if (failed) process.exit(1);
console.log('browser test passed');
