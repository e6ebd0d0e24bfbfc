// Send SPARQL Protocol requests with Node's global fetch (Node >= 18), as a JavaScript client would.
//
// Usage: node fetch.mjs ENDPOINT < cases.json
// Each case: {method, params?: [[name, value], ...], form?: [[name, value], ...], body?: string, headers?: {...}}.
// `params` go in the URL; `form` is sent as a URLSearchParams body (fetch sets the form Content-Type itself);
// `body` is sent as is (give its Content-Type in `headers`). Prints a JSON list of
// {status, contentType, headers, body} (or {error}), one per case, in order.

import { readFileSync } from "node:fs";

const endpoint = process.argv[2];
if (!endpoint) {
  console.error("usage: node fetch.mjs ENDPOINT < cases.json");
  process.exit(2);
}
const cases = JSON.parse(readFileSync(0, "utf-8"));

async function send(item) {
  const url = item.params ? `${endpoint}?${new URLSearchParams(item.params)}` : endpoint;
  const init = { method: item.method, headers: item.headers ?? {} };
  if (item.form) init.body = new URLSearchParams(item.form);
  else if (item.body !== undefined) init.body = item.body;
  try {
    const response = await fetch(url, init);
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      headers: Object.fromEntries(response.headers),
      body: await response.text(),
    };
  } catch (error) {
    return { error: String(error) };
  }
}

const results = [];
for (const item of cases) results.push(await send(item));
process.stdout.write(JSON.stringify(results));
