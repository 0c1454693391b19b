import http from 'node:http';
import https from 'node:https';
import type Docker from 'dockerode';
import { CollectorUnavailable, type CollectContext } from '../types.js';

/** An engine answered with a non-2xx status. */
export class EngineHttpError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly path: string,
  ) {
    super(message);
    this.name = 'EngineHttpError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

/**
 * Direct HTTP(S) access to an engine, bypassing docker-modem for reads. docker-modem formats every
 * request's options with util.inspect (agent included) even when debugging is off, which costs
 * milliseconds per request and grows with the number of pooled sockets: 200 inspects at concurrency 16
 * took ~8.6 s through it and ~35 ms directly. ssh:// engines still go through docker-modem.
 */
export interface HttpTransport {
  protocol: 'http' | 'https';
  socketPath?: string;
  host?: string;
  port?: number;
  agent: http.Agent;
  /** Socket inactivity timeout per request. */
  timeoutMs: number;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
}

const transports = new WeakMap<Docker, HttpTransport>();

/** Attach a direct transport to a client (done by connectDocker). */
export function registerTransport(docker: Docker, transport: HttpTransport): void {
  transports.set(docker, transport);
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined) params.append(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function httpError(path: string, status: number, body: string): EngineHttpError {
  let detail = body.trim();
  try {
    const parsed = JSON.parse(body) as { message?: string };
    if (parsed && typeof parsed.message === 'string') detail = parsed.message;
  } catch {
    // plain text body
  }
  return new EngineHttpError(`GET ${path}: HTTP ${status}: ${detail || 'no detail'}`, status, path);
}

function directGet<T>(t: HttpTransport, path: string, query: Query, signal?: AbortSignal): Promise<T> {
  const target = `${path}${queryString(query)}`;
  const options: https.RequestOptions = {
    method: 'GET',
    path: target,
    agent: t.agent,
    headers: { Accept: 'application/json' },
    signal,
  };
  if (t.socketPath) {
    options.socketPath = t.socketPath;
    // a unix socket has no host name; over TCP the Host header must stay host:port, since Node derives
    // the TLS server name it verifies from it
    options.headers = { ...options.headers, Host: 'docker' };
  } else {
    options.host = t.host;
    options.port = t.port;
  }
  if (t.tls) Object.assign(options, t.tls);
  const lib = t.protocol === 'https' ? https : http;
  return new Promise<T>((resolve, reject) => {
    const req = lib.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          reject(httpError(path, status, body));
          return;
        }
        if (body === '') {
          resolve(undefined as T);
          return;
        }
        try {
          resolve(JSON.parse(body) as T);
        } catch {
          resolve(body as T); // e.g. /_ping answers "OK"
        }
      });
    });
    req.setTimeout(t.timeoutMs, () => {
      const err: NodeJS.ErrnoException = new Error(`GET ${path}: no answer within ${t.timeoutMs / 1000} s`);
      err.code = 'ETIMEDOUT';
      req.destroy(err);
    });
    req.on('error', reject);
    req.end();
  });
}

function modemGet<T>(docker: Docker, path: string, query: Query, signal?: AbortSignal): Promise<T> {
  const options: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined) options[key] = value;
  return new Promise<T>((resolve, reject) => {
    docker.modem.dial(
      {
        path: `${path}?`,
        method: 'GET',
        options,
        abortSignal: signal,
        statusCodes: { 200: true, 204: true },
      },
      (err, data) => {
        if (err) {
          const e = err as Error & { statusCode?: number; json?: { message?: string } };
          if (typeof e.statusCode === 'number') {
            const detail = e.json?.message ?? e.message.replace(/^\(HTTP code \d+\) \S+ - /, '').trim();
            reject(new EngineHttpError(`GET ${path}: HTTP ${e.statusCode}: ${detail}`, e.statusCode, path));
          } else {
            reject(err);
          }
          return;
        }
        resolve(data as T);
      },
    );
  });
}

/**
 * The single door through which Rampart talks to a Docker engine: GET only, by construction.
 * Every collector uses it, so "Rampart never mutates the engine" is checkable in one place
 * (and proven against a recording proxy in test/integration/readonly.test.ts).
 */
export function engineGet<T = unknown>(
  docker: Docker,
  path: string,
  query: Query = {},
  signal?: AbortSignal,
): Promise<T> {
  const transport = transports.get(docker);
  return transport ? directGet<T>(transport, path, query, signal) : modemGet<T>(docker, path, query, signal);
}

/** The engine client from the context, or CollectorUnavailable when there is none. */
export function requireDocker(ctx: CollectContext): Docker {
  if (!ctx.docker) throw new CollectorUnavailable('no Docker engine connection for this target');
  return ctx.docker;
}

/** `NAME=value` -> `NAME=<redacted>`; entries without a value are kept as they are. */
export function redactEnvEntry(entry: unknown): unknown {
  if (typeof entry !== 'string') return entry;
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : `${entry.slice(0, eq)}=<redacted>`;
}

/** Redact every entry of `holder.Env` in place (used for container and image configs). */
export function redactEnvIn(holder: unknown): void {
  if (!holder || typeof holder !== 'object') return;
  const config = holder as { Env?: unknown };
  if (Array.isArray(config.Env)) config.Env = config.Env.map(redactEnvEntry);
}

/** Parse `NAME=value NAME2="v a l" ...` from `text`, returning the names and where parsing stopped. */
function readAssignments(text: string, max = Infinity): { names: string[]; end: number } {
  const names: string[] = [];
  let i = 0;
  while (names.length < max) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    const m = /^[A-Za-z_][A-Za-z0-9_.-]*=/.exec(text.slice(i));
    if (!m) break;
    names.push(m[0].slice(0, -1));
    i += m[0].length;
    while (i < text.length && !/\s/.test(text[i] as string)) {
      const c = text[i] as string;
      if (c === '"' || c === "'") {
        const close = text.indexOf(c, i + 1);
        i = close < 0 ? text.length : close + 1;
      } else {
        i += c === '\\' ? 2 : 1;
      }
    }
  }
  return { names, end: Math.min(i, text.length) };
}

/**
 * Redact values set by `ENV` / build `ARG` in an image history line, e.g.
 * `/bin/sh -c #(nop)  ENV DB_PASSWORD=x` or `|2 TOKEN=x B=y /bin/sh -c make`.
 */
export function redactCreatedBy(createdBy: string): string {
  let out = createdBy;
  const env = /\bENV\s+/.exec(out);
  if (env) {
    const head = out.slice(0, env.index + env[0].length);
    const rest = out.slice(head.length);
    const { names } = readAssignments(rest);
    if (names.length > 0) out = head + names.map((n) => `${n}=<redacted>`).join(' ');
    else out = `${head}${rest.trim().split(/\s+/)[0] ?? ''} <redacted>`; // legacy `ENV NAME value`
  }
  const args = /^\|(\d+)\s+/.exec(out);
  if (args) {
    const rest = out.slice(args[0].length);
    const { names, end } = readAssignments(rest, Number(args[1]));
    if (names.length > 0) {
      out = `|${args[1]} ${names.map((n) => `${n}=<redacted>`).join(' ')} ${rest.slice(end).trimStart()}`;
    }
  }
  return out;
}
