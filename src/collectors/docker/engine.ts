import type { JsonValue } from '../../core/types.js';
import type { Collector } from '../types.js';
import { engineGet, requireDocker } from './api.js';

/** `docker.engine`: `{ info, version, address, local }` from GET /info and GET /version. */
export const dockerEngineCollector: Collector = {
  id: 'docker.engine',
  target: 'docker',
  description: 'Engine information and version (GET /info, GET /version)',
  async collect(ctx) {
    const docker = requireDocker(ctx);
    const [info, version] = await Promise.all([
      engineGet<{ [key: string]: JsonValue }>(docker, '/info'),
      engineGet<{ [key: string]: JsonValue }>(docker, '/version'),
    ]);
    return {
      info,
      version,
      address: ctx.dockerAddress ?? null,
      local: ctx.dockerLocal ?? false,
    };
  },
};
