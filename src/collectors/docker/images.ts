import type { JsonValue } from '../../core/types.js';
import { mapLimit } from '../concurrency.js';
import type { Collector } from '../types.js';
import { EngineHttpError, engineGet, redactCreatedBy, redactEnvIn, requireDocker } from './api.js';

type Doc = { [key: string]: JsonValue };

/** `Name` for an image: its first repo tag, else the short id (12 hex digits). */
export function imageName(doc: { Id?: JsonValue; RepoTags?: JsonValue }): string {
  const tags = Array.isArray(doc.RepoTags) ? doc.RepoTags.filter((t) => typeof t === 'string') : [];
  const tag = tags.find((t) => t !== '<none>:<none>');
  if (typeof tag === 'string') return tag;
  const id = typeof doc.Id === 'string' ? doc.Id : '';
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** Apply the fact-model normalisation to an image inspect + history (in place). */
export function normaliseImage(doc: Doc, history: Doc[]): Doc {
  redactEnvIn(doc.Config);
  redactEnvIn(doc.ContainerConfig);
  for (const entry of history) {
    if (typeof entry.CreatedBy === 'string') entry.CreatedBy = redactCreatedBy(entry.CreatedBy);
  }
  doc.History = history;
  doc.Name = imageName(doc);
  return doc;
}

/**
 * `docker.images`: GET /images/{id}/json plus `History` (GET /images/{id}/history) and `Name`.
 * Env values (and values set by ENV/ARG in history lines) are redacted.
 */
export const dockerImagesCollector: Collector = {
  id: 'docker.images',
  target: 'docker',
  description: 'Images (GET /images/json, /images/{id}/json, /images/{id}/history)',
  async collect(ctx) {
    const docker = requireDocker(ctx);
    const list = await engineGet<{ Id: string }[]>(docker, '/images/json');
    const docs = await mapLimit(list, ctx.concurrency, async (summary) => {
      const id = encodeURIComponent(summary.Id);
      try {
        // one request at a time per slot, so at most ctx.concurrency are in flight
        const doc = await engineGet<Doc>(docker, `/images/${id}/json`);
        const history = await engineGet<Doc[]>(docker, `/images/${id}/history`);
        return normaliseImage(doc, history);
      } catch (error) {
        if (error instanceof EngineHttpError && error.statusCode === 404) return undefined;
        throw error;
      }
    });
    return docs.filter((d): d is Doc => d !== undefined);
  },
};
