import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { FactTarget, JsonValue } from '../core/types.js';
import { connectDocker, pingDocker } from './docker/connection.js';
import { allDockerCollectors } from './docker/index.js';
import { allHostCollectors } from './host/index.js';
import { runCollectors } from './runner.js';

export interface DockerCollectOptions {
  dockerHost?: string;
  hostRoot?: string;
  runningOnly?: boolean;
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
  log?: (msg: string) => void;
}

const asObj = (v: JsonValue | undefined): Record<string, JsonValue> =>
  v && typeof v === 'object' && !Array.isArray(v) ? v : {};

/** Collects every docker and host fact of one engine. Throws TargetUnreachableError when the engine is down. */
export async function collectDockerTarget(opts: DockerCollectOptions = {}): Promise<FactTarget> {
  const conn = connectDocker({ host: opts.dockerHost, env: opts.env ?? process.env });
  await pingDocker(conn.docker, conn.address);
  let hostRoot: string | undefined;
  if (opts.hostRoot) {
    hostRoot = resolve(opts.hostRoot);
    if (!existsSync(hostRoot))
      throw new UsageError(
        `--host-root ${opts.hostRoot}: no such directory`,
        'pass the directory where the host filesystem is mounted',
      );
  } else if (conn.local) {
    hostRoot = '/';
  }
  const { facts, errors } = await runCollectors([...allDockerCollectors, ...allHostCollectors], {
    docker: conn.docker,
    dockerAddress: conn.address,
    dockerLocal: conn.local,
    hostRoot,
    runningOnly: opts.runningOnly ?? false,
    concurrency: opts.concurrency ?? 16,
    log: opts.log ?? (() => undefined),
  });
  const info = asObj(asObj(facts['docker.engine']).info);
  const version = asObj(asObj(facts['docker.engine']).version);
  const id = typeof info.ID === 'string' && info.ID ? info.ID : conn.address;
  const name = typeof info.Name === 'string' && info.Name ? info.Name : conn.address;
  const meta: Record<string, JsonValue> = {
    address: conn.address,
    local: conn.local,
    hostRoot: hostRoot ?? null,
    serverVersion: (version.Version as JsonValue) ?? (info.ServerVersion as JsonValue) ?? null,
    operatingSystem: (info.OperatingSystem as JsonValue) ?? null,
    runningOnly: opts.runningOnly ?? false,
  };
  return { id, kind: 'docker', name, meta, facts, errors };
}
