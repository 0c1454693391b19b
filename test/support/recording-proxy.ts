/**
 * A recording proxy in front of a Docker engine socket: a unix-socket HTTP server that forwards every
 * request to the engine and logs its method and path. Point Rampart at `proxy.address` (as --docker-host
 * or through `proxy.docker`) and inspect `proxy.requests` to prove what it did to the engine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { connectDocker } from '../../src/collectors/docker/connection.js';

export interface RecordedRequest {
  method: string;
  /** Path without the API version prefix and without the query string: `/containers/abc/json`. */
  path: string;
  /** The raw request target, query string included. */
  url: string;
  status?: number;
}

export interface RecordingProxy {
  socket: string;
  /** `unix://<socket>`: give this to Rampart as --docker-host. */
  address: string;
  /** A client that goes through the proxy. */
  docker: Docker;
  requests: RecordedRequest[];
  /** Most requests in flight at once since the last reset. */
  peakInFlight(): number;
  reset(): void;
  close(): Promise<void>;
}

/** Strip `/v1.41` and the query string, and decode (`sha256%3A...` -> `sha256:...`). */
export function apiPath(url: string): string {
  const pathOnly = (url.split('?')[0] ?? url).replace(/^\/v\d+\.\d+(?=\/)/, '');
  try {
    return decodeURIComponent(pathOnly);
  } catch {
    return pathOnly;
  }
}

/** Start a proxy to the engine listening on `engineSocket`. */
export async function startRecordingProxy(engineSocket: string): Promise<RecordingProxy> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rp-'));
  const socket = path.join(dir, 'proxy.sock');
  const requests: RecordedRequest[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  let inFlight = 0;
  let peak = 0;
  const server = http.createServer((req, res) => {
    const entry: RecordedRequest = {
      method: req.method ?? '?',
      url: req.url ?? '',
      path: apiPath(req.url ?? ''),
    };
    requests.push(entry);
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.once('close', () => inFlight--);
    const upstream = http.request(
      { socketPath: engineSocket, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        entry.status = up.statusCode;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `recording proxy: ${error.message}` }));
    });
    req.pipe(upstream);
  });
  // hijacked/upgraded connections (attach, exec) are refused outright and recorded
  server.on('upgrade', (req, sock) => {
    requests.push({
      method: req.method ?? '?',
      url: req.url ?? '',
      path: apiPath(req.url ?? ''),
      status: 403,
    });
    sock.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  const { docker, address } = connectDocker({ host: `unix://${socket}`, env: {} });
  return {
    socket,
    address,
    docker,
    requests,
    peakInFlight: () => peak,
    reset: () => {
      requests.length = 0;
      peak = inFlight;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Requests that are not GET or HEAD. An empty list is the read-only proof. */
export function mutatingRequests(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
}

/** How many times each path matching `pattern` was requested, e.g. inspect per container. */
export function countByPath(requests: readonly RecordedRequest[], pattern: RegExp): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) if (pattern.test(r.path)) counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
  return counts;
}

/**
 * Run `fn` against the engine at `engineSocket` through a fresh recording proxy and return what it
 * requested. `fn` gets the proxy (use `proxy.address` as --docker-host for a full scan, or `proxy.docker`).
 */
export async function recordEngineTraffic<T>(
  engineSocket: string,
  fn: (proxy: RecordingProxy) => Promise<T>,
): Promise<{ result: T; requests: RecordedRequest[]; mutating: RecordedRequest[]; peakInFlight: number }> {
  const proxy = await startRecordingProxy(engineSocket);
  try {
    const result = await fn(proxy);
    const requests = [...proxy.requests];
    return { result, requests, mutating: mutatingRequests(requests), peakInFlight: proxy.peakInFlight() };
  } finally {
    await proxy.close();
  }
}
