// The verifier page: trust data from files (kept in IndexedDB), certificates
// from the camera, an image or pasted text, all checked by the travelcert
// library compiled to WebAssembly. Nothing leaves the device.
import init, * as tc from './pkg/travelcert_wasm.js';

const $ = (id) => document.getElementById(id);
const result = $('result');
const verdict = $('verdict');
const body = $('result-body');

// ---- IndexedDB: the officer's files, kept until replaced ----
const DB = 'travelcert-verifier';
const STORE = 'files';
function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
async function tx(mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode);
    const req = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(req && req.result);
    t.onerror = () => reject(t.error);
  });
}
const idbGet = (key) => tx('readonly', (s) => s.get(key));
const idbPut = (key, value) => tx('readwrite', (s) => s.put(value, key));
const idbClear = () => tx('readwrite', (s) => s.clear());

// ---- state ----
let verifier = null;
let rules = null;
let trustError = null;

function moment(id) {
  const v = $(id).value;
  return v ? new Date(v).getTime() : undefined;
}

async function loadTrust() {
  verifier?.free();
  verifier = null;
  rules?.free();
  rules = null;
  trustError = null;
  const [trust, root, revocations, rulesFile, state, dsc, shcKeys, shcIssuer] = await Promise.all(
    ['trust', 'root', 'revocations', 'rules', 'state', 'dsc', 'shcKeys', 'shcIssuer'].map(idbGet));
  if (shcIssuer && !$('shc-issuer').value) $('shc-issuer').value = shcIssuer;
  const parts = [];
  const bytes = (f) => (f ? new Uint8Array(f.bytes) : undefined);
  if (trust || dsc || shcKeys) {
    try {
      const pem = root ? new TextDecoder().decode(root.bytes) : undefined;
      verifier = tc.Verifier.load(bytes(trust), bytes(dsc), pem,
        revocations ? new Uint8Array(revocations.bytes) : undefined, state, moment('at'),
        shcKeys ? shcIssuer : undefined, bytes(shcKeys));
      const newState = verifier.state();
      if (newState) await idbPut('state', newState);
      if (trust) {
        parts.push(`${verifier.keyCount} issuer key(s) from ${trust.name}` +
          (root ? ` (signed, root ${root.name})` : ' (unsigned store)'));
      }
      if (dsc) parts.push(`document signer certificates from ${dsc.name}`);
      if (shcKeys) parts.push(`SMART Health Card keys of ${shcIssuer} from ${shcKeys.name}`);
      if (revocations) parts.push(`revocation list ${revocations.name}, sequence ${verifier.revocationSequence}`);
    } catch (e) {
      trustError = e;
      parts.push(`Trust data refused: ${e.name}: ${e.message}`);
    }
  } else {
    parts.push('No trust data loaded.');
  }
  if (rulesFile) {
    try {
      rules = new tc.Policy(new Uint8Array(rulesFile.bytes));
      parts.push(`border rules “${rules.name}” from ${rulesFile.name}`);
    } catch (e) {
      parts.push(`Rules refused: ${e.name}: ${e.message}`);
    }
  }
  $('trust-status').textContent = parts.join('; ') + '.';
}

async function remember(key, input) {
  const file = input.files[0];
  if (!file) return;
  await idbPut(key, { name: file.name, bytes: await file.arrayBuffer() });
  await loadTrust();
}

// ---- the result ----
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
function list(pairs) {
  const dl = el('dl');
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === '') continue;
    dl.append(el('dt', k), el('dd', String(v)));
  }
  return dl;
}
function pending() {
  result.dataset.status = 'pending';
  result.removeAttribute('data-error');
  verdict.textContent = 'Checking…';
  body.replaceChildren();
}
function show(status, title, nodes, extra = {}) {
  result.removeAttribute('data-codes');
  body.replaceChildren(...nodes);
  verdict.textContent = title;
  for (const [k, v] of Object.entries(extra)) result.dataset[k] = v;
  result.dataset.status = status;
  result.focus({ preventScroll: true });
}
function holderName(identity) {
  const latin = `${identity.primary_name} ${identity.secondary_name}`.trim();
  return identity.native_name ? `${latin} (${identity.native_name})` : latin;
}
function summary(records) {
  const out = [];
  for (const t of records.nat_tests ?? []) out.push(`NAT ${t.method ?? ''} ${t.result}, sampled ${t.sampled_at}`);
  for (const t of records.antibody_tests ?? []) out.push(`Antibody ${t.class ?? ''} ${t.result}, sampled ${t.sampled_at}`);
  for (const v of records.vaccinations ?? []) out.push(`Vaccination ${v.product ?? v.disease ?? ''} dose ${v.dose ?? ''}, ${v.date}`);
  return out;
}
function showValid(verified) {
  const cert = verified.certificate ?? {};
  const h = cert.record?.holder ?? {};
  // The officer's view without rules: identity for the document check and
  // the records; the rest of the certificate stays in the library's JSON.
  const nodes = [
    el('p', holderName(h), 'holder'),
    list([
      ['Date of birth', h.date_of_birth], ['Nationality', h.nationality],
      ['Document', `${h.document_type ?? ''} ${h.document_number ?? ''}`.trim()],
      ['Issuer', cert.issuer], ['Issued', cert.issued_at], ['Expires', cert.expires_at],
      ['Signed by', `key ${verified.kid} (${verified.key_country})`],
      ['Vouched for by root', verified.vouched_by], ['Format', verified.format],
    ]),
  ];
  const items = summary(cert.record ?? {});
  if (items.length) {
    const ul = el('ul');
    for (const i of items) ul.append(el('li', i));
    nodes.push(ul);
  }
  show('valid', 'VALID', nodes);
}
function showVerdict(view) {
  const status = { accepted: 'accepted', refused: 'refused', needs_review: 'review' }[view.outcome] ?? 'review';
  const title = { accepted: 'ACCEPTED', refused: 'REFUSED', review: 'NEEDS REVIEW' }[status];
  const nodes = [
    el('p', holderName(view.identity), 'holder'),
    list([
      ['Date of birth', view.identity.date_of_birth], ['Nationality', view.identity.nationality],
      ['Document', `${view.identity.document_type} ${view.identity.document_number}`],
      ['Issuer', view.issuer], ['Rules', view.policy],
      ['Checked for', view.reference ? `${view.reference.kind ?? ''} ${view.reference.at ?? ''}`.trim() : ''],
    ]),
  ];
  const ul = el('ul');
  const mark = { satisfied: '✓', not_satisfied: '✗', undetermined: '?' };
  for (const r of view.reasons ?? []) ul.append(el('li', `${mark[r.status] ?? ''} ${r.message}`));
  if (ul.childElementCount) nodes.push(el('h3', 'Reasons'), ul);
  show(status, title, nodes);
}
function showError(e, what = 'INVALID') {
  const name = e?.name ?? 'Error';
  show('invalid', what, [
    el('p', `Error: ${name}`),
    el('p', e?.message ?? String(e)),
  ], { error: name });
}

// ---- verifying ----
// Verifies what was pasted: one code, or several one per line (the chunks
// of a SMART Health Card, or several certificates).
function verifyText(text) {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length > 1) { verifyTexts(lines); return; }
  text = text.trim();
  if (!text) { showError({ name: 'Empty', message: 'No certificate text.' }); return; }
  if (!verifier) {
    showError(trustError ?? { name: 'NoTrustData', message: 'Load a trust store or a signed trust list first.' });
    return;
  }
  try {
    if (rules) {
      showVerdict(verifier.evaluate(rules, text, moment('at'), moment('boarding')));
    } else {
      showValid(verifier.verify(text, moment('at')));
    }
  } catch (e) {
    showError(e);
  }
}

// Verifies several codes presented together (one image, or pasted lines):
// the library groups a SMART Health Card's chunks into one card; the first
// certificate is shown and the others are counted.
function verifyTexts(texts) {
  if (!verifier) {
    showError(trustError ?? { name: 'NoTrustData', message: 'Load a trust store or a signed trust list first.' });
    return;
  }
  let sets;
  try {
    sets = rules
      ? verifier.evaluateCodes(rules, texts, moment('at'), moment('boarding'))
      : verifier.verifyCodes(texts, moment('at'));
  } catch (e) {
    showError(e);
    return;
  }
  if (!sets.length) { showError({ name: 'Empty', message: 'No certificate text.' }); return; }
  const [first] = sets;
  if (!first.valid) showError(first.error);
  else if (rules) showVerdict(first.result);
  else showValid(first.result);
  result.dataset.codes = String(first.texts.length);
  if (first.texts.length > 1) body.append(el('p', `One SMART Health Card from ${first.texts.length} QR codes.`));
  if (sets.length > 1) body.append(el('p', `${sets.length} certificates presented: the first is shown; paste another to check it.`));
}

const canvas = document.createElement('canvas');
const ctx = canvas.getContext('2d', { willReadFrequently: true });
// Draws a frame or bitmap (on white: transparent pixels are background),
// at most `maxSide` pixels per side, and returns the codes the library finds.
function scanSource(source, width, height, maxSide = 2400) {
  const k = Math.min(1, maxSide / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * k));
  canvas.height = Math.max(1, Math.round(height * k));
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return tc.scan(new Uint8Array(data.data.buffer), data.width, data.height);
}

async function verifyImage(file) {
  pending();
  const t0 = performance.now();
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (e) {
    showError({ name: 'ImageUnreadable', message: `${file.name}: not an image this browser can decode.` });
    return;
  }
  let texts;
  try {
    texts = scanSource(bitmap, bitmap.width, bitmap.height);
  } catch (e) {
    showError(e);
    return;
  } finally {
    bitmap.close();
  }
  if (!texts.length) {
    showError({ name: 'NoQrCode', message: `No QR code found in ${file.name}.` });
  } else {
    $('text-input').value = texts.join('\n');
    verifyTexts(texts);
  }
  const ms = performance.now() - t0;
  result.dataset.ms = ms.toFixed(1);
  $('build-info').textContent = `Image to verdict: ${ms.toFixed(0)} ms.`;
}

// ---- camera ----
let stream = null;
let timer = null;
async function startCamera() {
  const video = $('camera-view');
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch (e) {
    showError({ name: 'CameraUnavailable', message: e.message }, 'NO CAMERA');
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  $('camera').textContent = 'Stop camera';
  $('camera').setAttribute('aria-pressed', 'true');
  const tick = () => {
    if (!stream) return;
    if (video.videoWidth) {
      try {
        const texts = scanSource(video, video.videoWidth, video.videoHeight, 1280);
        if (texts.length) {
          stopCamera();
          $('text-input').value = texts.join('\n');
          pending();
          verifyTexts(texts);
          return;
        }
      } catch (e) { /* a frame that cannot be scanned: try the next */ }
    }
    timer = setTimeout(tick, 200);
  };
  tick();
}
function stopCamera() {
  clearTimeout(timer);
  stream?.getTracks().forEach((t) => t.stop());
  stream = null;
  const video = $('camera-view');
  video.srcObject = null;
  video.hidden = true;
  $('camera').textContent = 'Start camera';
  $('camera').setAttribute('aria-pressed', 'false');
}

// ---- wiring ----
async function main() {
  await init();
  const formats = tc.formats().join(', ');
  if (!tc.formats().includes('HC1:')) $('dsc-group').hidden = true;
  if (!tc.formats().includes('shc:/')) $('shc-group').hidden = true;
  if (!tc.canScan()) {
    $('camera').disabled = true;
    $('image-file').disabled = true;
  }
  $('trust-file').addEventListener('change', (e) => remember('trust', e.target));
  $('root-file').addEventListener('change', (e) => remember('root', e.target));
  $('revocation-file').addEventListener('change', (e) => remember('revocations', e.target));
  $('dsc-file').addEventListener('change', (e) => remember('dsc', e.target));
  $('shc-issuer').addEventListener('change', async (e) => {
    await idbPut('shcIssuer', e.target.value.trim());
    await loadTrust();
  });
  $('shc-keys-file').addEventListener('change', async (e) => {
    await idbPut('shcIssuer', $('shc-issuer').value.trim());
    await remember('shcKeys', e.target);
  });
  $('rules-file').addEventListener('change', (e) => remember('rules', e.target));
  $('forget').addEventListener('click', async () => { await idbClear(); await loadTrust(); });
  $('verify').addEventListener('click', () => { pending(); verifyText($('text-input').value); });
  $('image-file').addEventListener('change', (e) => {
    const f = e.target.files[0];
    // Cleared, so that choosing the same file again verifies it again.
    e.target.value = '';
    if (f) verifyImage(f);
  });
  $('camera').addEventListener('click', () => (stream ? stopCamera() : startCamera()));
  await loadTrust();
  $('build-info').textContent = `Reads ${formats}. Offline after the first visit.`;
  document.body.dataset.ready = 'true';
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js').catch(() => {});
}
main().catch((e) => {
  verdict.textContent = `The verifier could not start: ${e.message}`;
});
