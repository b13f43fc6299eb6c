// The DDC web app: pick a development account, upload a file into a bucket (encrypted and
// signed here, in the browser), list the bucket, download and decrypt. `ddc devnet` serves it
// at /app, with its nodes and bucket at /api/app-config.

import { account, get, hex, list, put } from './api.js';
import { open, seal } from './envelope.js';

const $ = (id) => document.getElementById(id);
const state = { acct: null };

function status(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

async function guarded(what, f) {
  try {
    await f();
  } catch (e) {
    status(`${what}: ${e.message}`, true);
  }
}

async function useAccount() {
  state.acct = await account($('account').value);
  $('whoami').textContent = `account 0x${state.acct.id} · encryption key ${hex(state.acct.encryption.public)}`;
}

const target = () => ({ node: $('node').value, bucket: Number($('bucket').value) });

async function upload() {
  const file = $('file').files[0];
  if (!file) throw new Error('choose a file first');
  const { node, bucket } = target();
  const key = $('key').value || file.name;
  const data = new Uint8Array(await file.arrayBuffer());
  status(`encrypting ${file.name} (${data.length} bytes)…`);
  const receipt = await put(node, state.acct, bucket, key, seal(state.acct.encryption, bucket, key, data));
  const durable = receipt.replicas.filter((r) => r.durable).length;
  status(`uploaded ${key}: ${data.length} bytes, ${receipt.len} stored encrypted, ${durable}/${receipt.replicas.length} replicas durable`);
  await refresh();
}

async function refresh() {
  const { node, bucket } = target();
  const listing = await list(node, state.acct, bucket, $('prefix').value);
  const rows = listing.objects.map((o) => {
    const tr = document.createElement('tr');
    tr.dataset.key = o.key;
    for (const v of [o.key, String(o.len), String(o.version)]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.appendChild(td);
    }
    const td = document.createElement('td');
    const button = document.createElement('button');
    button.textContent = 'download';
    button.className = 'download';
    button.onclick = () => guarded('download', () => download(o.key));
    td.appendChild(button);
    tr.appendChild(td);
    return tr;
  });
  $('objects').replaceChildren(...rows);
}

async function download(key) {
  const { node, bucket } = target();
  const plain = open(state.acct.encryption, bucket, key, await get(node, state.acct, bucket, key));
  const sha = hex(new Uint8Array(await crypto.subtle.digest('SHA-256', plain)));
  const link = $('saved');
  URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([plain]));
  link.download = key.split('/').pop();
  link.textContent = `save ${key}`;
  link.dataset.sha256 = sha;
  link.dataset.len = String(plain.length);
  status(`downloaded and decrypted ${key}: ${plain.length} bytes, sha256 ${sha}`);
}

async function main() {
  const config = await (await fetch('/api/app-config')).json();
  for (const name of config.accounts) {
    const o = document.createElement('option');
    o.value = `//${name[0].toUpperCase()}${name.slice(1)}`;
    o.textContent = `${o.value} (INSECURE development key)`;
    $('account').appendChild(o);
  }
  $('account').value = `//${config.user[0].toUpperCase()}${config.user.slice(1)}`;
  for (const url of config.nodes) $('node').appendChild(Object.assign(document.createElement('option'), { value: url, textContent: url }));
  $('bucket').value = String(config.bucket);
  $('account').onchange = () => guarded('account', useAccount);
  $('upload').onclick = () => guarded('upload', upload);
  $('list').onclick = () => guarded('list', refresh);
  await useAccount();
  await refresh();
  document.body.dataset.ready = 'yes';
  status('ready');
}

guarded('start', main);
