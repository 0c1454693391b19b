import type { JsonValue } from '../../core/types.js';
import { mapLimit } from '../concurrency.js';
import type { Collector } from '../types.js';
import { EngineHttpError, engineGet, requireDocker } from './api.js';

/** `docker.networks`: one GET /networks/{id} document per network. */
export const dockerNetworksCollector: Collector = {
  id: 'docker.networks',
  target: 'docker',
  description: 'Networks (GET /networks, GET /networks/{id})',
  async collect(ctx) {
    const docker = requireDocker(ctx);
    const list = await engineGet<{ Id: string }[]>(docker, '/networks');
    const inspected = await mapLimit(list, ctx.concurrency, async (net) => {
      try {
        return await engineGet<JsonValue>(docker, `/networks/${encodeURIComponent(net.Id)}`);
      } catch (error) {
        // Removed between list and inspect: it no longer exists, so it is not part of the facts.
        if (error instanceof EngineHttpError && error.statusCode === 404) return undefined;
        throw error;
      }
    });
    return inspected.filter((n): n is JsonValue => n !== undefined);
  },
};
