#!/usr/bin/env node
// The tutorials' service on Node's http module, a peer for Parity: /hello, /sleep?ms=N, /fetch.
// Built-in modules only. One thread, one event loop; each handler is an async function that
// awaits Promises, Parity's coroutine style (a Promise is Parity's Future; .then() its callback).
'use strict';

const http = require('node:http');
const { parseArgs } = require('node:util');
const { setTimeout: sleep } = require('node:timers/promises');

const MAX_SLEEP_MS = 10000;

const usage = `Usage: node server.js --upstream URL [--port 0]
  --upstream URL     the upstream API, http://HOST:PORT (required)
  --port N           port to listen on, on 127.0.0.1 (0: any free port)
  --max-clients N    accepted and ignored (the Tornado peer's option): no cap here
  --pool N           accepted and ignored (the Tornado peer's option): no pool here`;

// Node 20's global agent keeps connections alive and does not cap them (maxSockets Infinity),
// but keeps at most 256 idle ones per host (maxFreeSockets): all three are set here, so that
// neither a different Node nor thousands of users reach a cap.
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: Infinity });

function timeCostPage(seconds, url) {
  return '<html><head><title>Time Cost</title></head>\n' +
    `<body><h1>Time Cost: ${seconds.toFixed(3)} s</h1><p>style: node</p>` +
    `<p>upstream: ${url}</p></body></html>\n`;
}

// http.get speaks callbacks and events; this wraps them in a Promise so that a handler can await.
function get(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, timeout: 10000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => {
        if (response.statusCode === 200) resolve(body);
        else reject(new Error(`upstream answered ${response.statusCode}`));
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('upstream timed out')));
    request.on('error', reject);
  });
}

function answer(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body);
}

async function handle(req, res, upstream) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/hello') {
    answer(res, 200, 'text/plain', 'Hello, world');
  } else if (url.pathname === '/sleep') {
    const arg = url.searchParams.get('ms') ?? '100';
    if (!/^-?\d+$/.test(arg)) return answer(res, 400, 'text/plain', 'ms must be an integer\n');
    const ms = Number(arg);
    if (ms < 0 || ms > MAX_SLEEP_MS) {
      return answer(res, 400, 'text/plain', `ms must be within 0..${MAX_SLEEP_MS}\n`);
    }
    await sleep(ms); // a timer: the loop serves others meanwhile
    answer(res, 200, 'application/json; charset=UTF-8', `{"slept_ms": ${ms}}`);
  } else if (url.pathname === '/fetch') {
    const started = performance.now();
    try {
      await get(upstream);
    } catch (error) {
      return answer(res, 502, 'text/plain', `upstream failed: ${error.message}\n`);
    }
    const seconds = (performance.now() - started) / 1000;
    answer(res, 200, 'text/html; charset=UTF-8', timeCostPage(seconds, upstream));
  } else {
    answer(res, 404, 'text/plain', 'not found\n');
  }
}

function main() {
  const { values } = parseArgs({
    options: {
      upstream: { type: 'string' },
      port: { type: 'string', default: '0' },
      'max-clients': { type: 'string' },
      pool: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.upstream) {
    console.log(usage);
    process.exit(values.help ? 0 : 2);
  }
  const upstream = `${values.upstream}/delay`;
  const server = http.createServer((req, res) => {
    // A rejection nobody handles would end the process: answer 500 instead.
    handle(req, res, upstream).catch(() => answer(res, 500, 'text/plain', 'internal error\n'));
  });
  // The kernel's full accept queue, as `parity serve` listens (Node's default is 511).
  server.listen({ host: '127.0.0.1', port: Number(values.port), backlog: 4096 }, () => {
    process.stdout.write(`listening on ${server.address().port}\n`);
  });
}

main();
