import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { TargetUnreachableError, UsageError } from '../../core/errors.js';
import { engineGet, registerTransport } from './api.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** How long `pingDocker` waits for the engine before giving up. */
export const PING_TIMEOUT_MS = 5000;

/** Socket inactivity timeout for every other engine request. */
export const REQUEST_TIMEOUT_MS = 60_000;

/** dockerode passes its options to docker-modem, which also takes an http(s) agent. */
type ModemOptions = Docker.DockerOptions & { agent?: http.Agent };

function makeDocker(options: ModemOptions): Docker {
  return new Docker(options);
}

export interface DockerConnection {
  docker: Docker;
  /** Normalised engine address for messages: `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`. */
  address: string;
  /** True when the engine is reached over a local unix socket. */
  local: boolean;
}

export interface ConnectOptions {
  /** `--docker-host`; wins over `DOCKER_HOST`. */
  host?: string;
  /** Environment to read `DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`... from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Maximum parallel connections Rampart's reads keep to the engine (default 32). */
  maxSockets?: number;
}

/** A parsed engine address. */
export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string; address: string }
  | { kind: 'tcp'; host: string; port: number; address: string }
  | { kind: 'ssh'; host: string; port: number; username?: string; address: string };

/**
 * Parse a Docker host string the way the docker CLI does: `unix:///path`, `tcp://host:port`,
 * `ssh://[user@]host[:port]`, a bare socket path, or `host:port`.
 */
export function parseDockerHost(value: string): DockerEndpoint {
  const raw = value.trim();
  if (raw === '') throw new UsageError('empty Docker host', 'use e.g. unix:///var/run/docker.sock');
  if (raw.startsWith('/')) return { kind: 'unix', socketPath: raw, address: `unix://${raw}` };
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length) || '/var/run/docker.sock';
    return { kind: 'unix', socketPath, address: `unix://${socketPath}` };
  }
  if (raw.startsWith('npipe://')) {
    throw new UsageError(`unsupported Docker host ${raw}: named pipes are Windows-only`);
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `tcp://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(
      `invalid Docker host "${raw}"`,
      'use unix:///path/docker.sock, tcp://host:port or ssh://user@host',
    );
  }
  const scheme = url.protocol.replace(/:$/, '');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new UsageError(`invalid Docker host "${raw}": no host name`);
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    const port = url.port ? Number(url.port) : scheme === 'http' ? 2375 : 2376;
    return { kind: 'tcp', host, port, address: `tcp://${url.hostname}:${port}` };
  }
  if (scheme === 'ssh') {
    const port = url.port ? Number(url.port) : 22;
    const username = url.username ? decodeURIComponent(url.username) : undefined;
    const userPart = username ? `${username}@` : '';
    const portPart = url.port ? `:${port}` : '';
    return { kind: 'ssh', host, port, username, address: `ssh://${userPart}${url.hostname}${portPart}` };
  }
  throw new UsageError(
    `unsupported Docker host scheme "${scheme}" in ${raw}`,
    'use unix://, tcp:// or ssh://',
  );
}

function readCertFile(dir: string, name: string): Buffer {
  const file = path.join(dir, name);
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new TargetUnreachableError(
      `cannot read TLS file ${file} (${code}): set DOCKER_CERT_PATH to the directory holding ca.pem, cert.pem and key.pem`,
    );
  }
}

/**
 * Build an engine client from `--docker-host` or `DOCKER_HOST` (default unix:///var/run/docker.sock).
 * TLS follows the docker CLI: `DOCKER_TLS_VERIFY` (any non-empty value) verifies the server with
 * `DOCKER_CERT_PATH`/{ca,cert,key}.pem (default ~/.docker); `DOCKER_TLS` or port 2376 alone uses TLS
 * without verifying the server. ssh:// uses dockerode's ssh transport (`docker system dial-stdio` on the
 * remote host, ssh-agent from `SSH_AUTH_SOCK`). Nothing is contacted until the first request.
 */
export function connectDocker(opts: ConnectOptions = {}): DockerConnection {
  const env = opts.env ?? process.env;
  const hostValue = opts.host?.trim() || env.DOCKER_HOST?.trim() || DEFAULT_DOCKER_HOST;
  const endpoint = parseDockerHost(hostValue);
  const maxSockets = opts.maxSockets ?? 32;

  // docker-modem merges its own reading of process.env under ours, so every connection key is set
  // explicitly (undefined included) to keep DOCKER_HOST from leaking in when --docker-host is given.
  const base: ModemOptions = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    timeout: REQUEST_TIMEOUT_MS,
  };

  // The modem (dockerode's own methods) gets no custom agent: docker-modem util.inspect()s each request's
  // options, agent included, which makes a pooled agent very slow there. Rampart's reads use a
  // direct transport with its own keep-alive pool instead (see api.ts).
  if (endpoint.kind === 'unix') {
    const docker = makeDocker({ ...base, socketPath: endpoint.socketPath });
    registerTransport(docker, {
      protocol: 'http',
      socketPath: endpoint.socketPath,
      agent: new http.Agent({ keepAlive: true, maxSockets }),
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    return { docker, address: endpoint.address, local: true };
  }

  if (endpoint.kind === 'ssh') {
    const sshAgent = env.SSH_AUTH_SOCK;
    const docker = makeDocker({
      ...base,
      protocol: 'ssh',
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.username ?? os.userInfo().username,
      sshOptions: sshAgent ? { agent: sshAgent } : {},
    });
    return { docker, address: endpoint.address, local: false };
  }

  const verify = (env.DOCKER_TLS_VERIFY ?? '') !== '';
  const tls = verify || (env.DOCKER_TLS ?? '') !== '' || endpoint.port === 2376;
  if (!tls) {
    const docker = makeDocker({ ...base, protocol: 'http', host: endpoint.host, port: endpoint.port });
    registerTransport(docker, {
      protocol: 'http',
      host: endpoint.host,
      port: endpoint.port,
      agent: new http.Agent({ keepAlive: true, maxSockets }),
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    return { docker, address: endpoint.address, local: false };
  }
  const certDir = env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker');
  let ca: Buffer | undefined;
  let cert: Buffer | undefined;
  let key: Buffer | undefined;
  if (verify) {
    ca = readCertFile(certDir, 'ca.pem');
    cert = readCertFile(certDir, 'cert.pem');
    key = readCertFile(certDir, 'key.pem');
  } else {
    // Without verification the client certificate is still offered when present.
    try {
      cert = readFileSync(path.join(certDir, 'cert.pem'));
      key = readFileSync(path.join(certDir, 'key.pem'));
    } catch {
      cert = undefined;
      key = undefined;
    }
  }
  const tlsOptions = { ca, cert, key, rejectUnauthorized: verify };
  const docker = makeDocker({
    ...base,
    protocol: 'https',
    host: endpoint.host,
    port: endpoint.port,
    ca,
    cert,
    key,
    // docker-modem has no rejectUnauthorized option; only an agent carries it
    ...(verify ? {} : { agent: new https.Agent({ keepAlive: true, ...tlsOptions }) }),
  });
  registerTransport(docker, {
    protocol: 'https',
    host: endpoint.host,
    port: endpoint.port,
    agent: new https.Agent({ keepAlive: true, maxSockets, ...tlsOptions }),
    timeoutMs: REQUEST_TIMEOUT_MS,
    tls: tlsOptions,
  });
  return { docker, address: endpoint.address, local: false };
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
]);

function socketPathOf(address: string): string {
  return address.startsWith('unix://') ? address.slice('unix://'.length) : address;
}

/** Turn a connection failure into a one-line message naming the address and a fix. */
export function describeConnectionError(error: unknown, address: string): string {
  const err = error as NodeJS.ErrnoException & { statusCode?: number; level?: string; reason?: string };
  const code = err?.code ?? '';
  const msg = String(err?.message ?? error)
    .replace(/\s+/g, ' ')
    .trim();
  const at = `cannot reach the Docker engine at ${address}`;
  const remote = !address.startsWith('unix://');
  switch (code) {
    case 'ENOENT':
      return `${at}: no such socket ${socketPathOf(address)} (is dockerd running? set --docker-host/DOCKER_HOST)`;
    case 'EACCES':
    case 'EPERM':
      return `${at}: permission denied on ${socketPathOf(address)}: run as root or a member of the docker group`;
    case 'ECONNREFUSED':
      return remote
        ? `${at}: connection refused (is dockerd listening there? check the port and --docker-host/DOCKER_HOST)`
        : `${at}: connection refused on ${socketPathOf(address)} (stale socket? is dockerd running? set --docker-host/DOCKER_HOST)`;
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
    case 'ABORT_ERR':
      return `${at}: no answer within ${PING_TIMEOUT_MS / 1000} s (is the engine up and the address reachable?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${at}: host name not found (check --docker-host/DOCKER_HOST)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${at}: host unreachable (check the network path and --docker-host/DOCKER_HOST)`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${at}: connection reset (${remote ? 'TLS required? set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH' : 'is this a Docker socket?'})`;
    case 'ENOTSOCK':
      return `${at}: ${socketPathOf(address)} is not a socket (set --docker-host/DOCKER_HOST)`;
    default:
      break;
  }
  if (TLS_CODES.has(code) || /ssl|tls|certificate/i.test(msg)) {
    return `${at}: TLS error (${code || msg}): check DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem), DOCKER_TLS_VERIFY and the server name`;
  }
  if (err?.statusCode === 400 && /https/i.test(msg)) {
    return `${at}: the engine requires TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH`;
  }
  if (err?.level === 'client-authentication' || /authentication methods failed/i.test(msg)) {
    return `${at}: ssh authentication failed (load a key into ssh-agent and check SSH_AUTH_SOCK)`;
  }
  if (err?.statusCode) {
    return `${at}: engine answered HTTP ${err.statusCode} (${msg}); is this a Docker engine API?`;
  }
  return `${at}: ${code ? `${code} ` : ''}${msg || 'unknown error'}`;
}

/** `GET /_ping` with a short timeout; throws TargetUnreachableError with a one-line message and fix. */
export async function pingDocker(
  docker: Docker,
  address: string,
  timeoutMs = PING_TIMEOUT_MS,
): Promise<void> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    await engineGet(docker, '/_ping', {}, controller.signal);
  } catch (error) {
    if (timedOut) {
      throw new TargetUnreachableError(
        `cannot reach the Docker engine at ${address}: no answer within ${timeoutMs / 1000} s (is the engine up and the address reachable?)`,
      );
    }
    throw new TargetUnreachableError(describeConnectionError(error, address));
  } finally {
    clearTimeout(timer);
  }
}
