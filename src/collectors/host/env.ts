import type { JsonValue } from '../../core/types.js';
import type { Collector } from '../types.js';
import { HostFs, requireHostRoot } from './hostfs.js';

/** Value of `name` in an /etc/environment style file (`NAME=value`, optional quotes, `export` tolerated). */
export function environmentValue(text: string, name: string): string | undefined {
  let value: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (!line.startsWith(`${name}=`)) continue;
    value = line.slice(name.length + 1).trim();
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
  }
  return value;
}

/** DOCKER_CONTENT_TRUST from the scanning process environment, else the host's /etc/environment. */
export async function contentTrust(
  hostFs: HostFs,
  env: NodeJS.ProcessEnv,
): Promise<Record<string, JsonValue>> {
  const fromProcess = env.DOCKER_CONTENT_TRUST;
  if (fromProcess !== undefined) return { DOCKER_CONTENT_TRUST: fromProcess, source: 'process environment' };
  const text = await hostFs.readOptional('/etc/environment').catch(() => undefined);
  const fromFile = text === undefined ? undefined : environmentValue(text, 'DOCKER_CONTENT_TRUST');
  if (fromFile !== undefined) return { DOCKER_CONTENT_TRUST: fromFile, source: '/etc/environment' };
  return { DOCKER_CONTENT_TRUST: null, source: null };
}

/** `host.env`: `{ DOCKER_CONTENT_TRUST, source }`. */
export const hostEnvCollector: Collector = {
  id: 'host.env',
  target: 'docker',
  description: 'DOCKER_CONTENT_TRUST (scanning environment, /etc/environment)',
  async collect(ctx) {
    return contentTrust(new HostFs(requireHostRoot(ctx)), process.env);
  },
};
