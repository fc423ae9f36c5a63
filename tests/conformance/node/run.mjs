// Drives the official GOV.UK Notify Node client (notifications-node-client 8.4.0) for
// tests/conformance/test_node_client.py. It makes no assertions: it reports what the client got.
//
// Input: one JSON scenario on stdin (or as the first argument):
//   {"cases": [{"name": "sms",
//               "client": ["http://127.0.0.1:PORT", "key-..."],   // NotifyClient constructor arguments
//               "method": "sendSms",                              // a NotifyClient method
//               "args": ["<template id>", "07700900123", {"reference": "x"}]}, ...],
//    "timeout_ms": 10000}
// Cases run one after the other, in order. Inside "client" and "args":
//   {"$bytes": "<base64>"}          becomes a Buffer of those bytes;
//   {"$ref": "<case name>.a.b.c"}   becomes that value of an earlier case's result (e.g. "sms.data.id").
//
// Output: one JSON line {"results": {"<case name>": result, ...}} where result is one of
//   {"ok": true, "status": 201, "data": {...}, "url": "...", "method": "post", "content_type": "..."}  axios response
//   {"ok": true, "buffer": {"length": N, "head": "%PDF-", "base64": "..."}}                               a Buffer
//   {"ok": true, "value": ...}                                                                             anything else
//   {"ok": false, "error": {"name", "message", "code", "has_response", "status", "data", "url"}}          a rejection
//   {"ok": false, "thrown": "<string>"}                                                                    a thrown string

import { readFileSync } from 'node:fs';
import notify from 'notifications-node-client';

const { NotifyClient } = notify;

function readScenario() {
  const text = process.argv[2] !== undefined ? process.argv[2] : readFileSync(0, 'utf8');
  return JSON.parse(text);
}

function lookup(results, ref) {
  const [name, ...path] = ref.split('.');
  if (!(name in results)) {
    throw new Error(`$ref ${ref}: no earlier case named ${name}`);
  }
  let value = results[name];
  for (const part of path) {
    if (value === null || value === undefined || !(part in Object(value))) {
      throw new Error(`$ref ${ref}: ${part} not found in ${JSON.stringify(value)}`);
    }
    value = value[part];
  }
  return value;
}

function decode(value, results) {
  if (Array.isArray(value)) {
    return value.map((item) => decode(item, results));
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$bytes') {
      return Buffer.from(value.$bytes, 'base64');
    }
    if (keys.length === 1 && keys[0] === '$ref') {
      return lookup(results, value.$ref);
    }
    return Object.fromEntries(keys.map((key) => [key, decode(value[key], results)]));
  }
  return value;
}

function describeSuccess(value) {
  if (Buffer.isBuffer(value)) {
    return {
      ok: true,
      buffer: {
        length: value.length,
        head: value.subarray(0, 5).toString('latin1'),
        base64: value.length <= 1024 * 1024 ? value.toString('base64') : null,
      },
    };
  }
  if (value !== null && typeof value === 'object' && 'status' in value && 'data' in value && 'config' in value) {
    return {
      ok: true,
      status: value.status,
      data: value.data,
      url: value.config.url,
      method: value.config.method,
      content_type: value.headers ? value.headers['content-type'] ?? null : null,
    };
  }
  return { ok: true, value: value === undefined ? null : value };
}

function describeFailure(error) {
  if (typeof error === 'string') {
    return { ok: false, thrown: error };
  }
  const response = error && error.response;
  let data = response ? response.data : null;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    data = { $undecoded: Buffer.from(data).toString('latin1') };
  }
  return {
    ok: false,
    error: {
      name: error && error.name,
      message: error && error.message,
      code: (error && error.code) ?? null,
      has_response: response !== undefined,
      status: response ? response.status : null,
      data: data === undefined ? null : data,
      url: error && error.config ? error.config.url : null,
    },
  };
}

function withTimeout(promise, ms, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case ${name}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runCase(spec, results, timeoutMs) {
  const client = new NotifyClient(...decode(spec.client, results));
  const method = client[spec.method];
  if (typeof method !== 'function') {
    return { ok: false, thrown: `NotifyClient has no method ${spec.method}` };
  }
  try {
    const args = decode(spec.args || [], results);
    const value = await withTimeout(Promise.resolve().then(() => method.apply(client, args)), timeoutMs, spec.name);
    return describeSuccess(value);
  } catch (error) {
    return describeFailure(error);
  }
}

async function main() {
  const scenario = readScenario();
  const timeoutMs = scenario.timeout_ms || 10000;
  const results = {};
  for (const spec of scenario.cases) {
    if (spec.name in results) {
      throw new Error(`duplicate case name ${spec.name}`);
    }
    results[spec.name] = await runCase(spec, results, timeoutMs);
  }
  process.stdout.write(JSON.stringify({ results }) + '\n');
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`run.mjs: ${error && error.stack ? error.stack : error}\n`);
    process.exit(2);
  },
);
