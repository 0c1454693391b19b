import type { JsonValue } from '../../core/types.js';
import { mapLimit } from '../concurrency.js';
import type { Collector } from '../types.js';
import { EngineHttpError, engineGet, redactEnvIn, requireDocker } from './api.js';

export type ProcessEntry = {
  user: string | null;
  pid: string | null;
  command: string | null;
};

interface TopResult {
  Titles?: string[];
  Processes?: string[][];
}

type Inspect = { [key: string]: JsonValue } & {
  Name?: JsonValue;
  State?: JsonValue;
  Config?: JsonValue;
};

function column(titles: string[], names: string[]): number {
  const upper = titles.map((t) => t.trim().toUpperCase());
  for (const name of names) {
    const i = upper.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

/** Map an engine `top` answer to `[{ user, pid, command }]` whatever the ps columns are. */
export function mapTop(top: TopResult): ProcessEntry[] {
  const titles = top.Titles ?? [];
  const user = column(titles, ['UID', 'USER', 'RUSER', 'EUSER']);
  const pid = column(titles, ['PID']);
  const command = column(titles, ['CMD', 'COMMAND', 'ARGS', 'NAME']);
  return (top.Processes ?? []).map((row) => ({
    user: user >= 0 ? (row[user] ?? null) : null,
    pid: pid >= 0 ? (row[pid] ?? null) : null,
    command: command >= 0 ? (row[command] ?? null) : null,
  }));
}

/** Apply the fact-model normalisation to one inspect document (in place): name, env redaction. */
export function normaliseContainer(doc: Inspect): Inspect {
  if (typeof doc.Name === 'string') doc.Name = doc.Name.replace(/^\//, '');
  redactEnvIn(doc.Config);
  return doc;
}

function isRunning(doc: Inspect): boolean {
  const state = doc.State as { Running?: boolean } | null | undefined;
  return state?.Running === true;
}

/**
 * `docker.containers`: GET /containers/{id}/json for every container (all states unless runningOnly),
 * each inspected exactly once, plus `top` for running ones. Env values are redacted here, so they
 * never enter the facts.
 */
export const dockerContainersCollector: Collector = {
  id: 'docker.containers',
  target: 'docker',
  description: 'Containers (GET /containers/json, /containers/{id}/json, /containers/{id}/top)',
  async collect(ctx) {
    const docker = requireDocker(ctx);
    const list = await engineGet<{ Id: string }[]>(docker, '/containers/json', { all: !ctx.runningOnly });
    ctx.log(`docker.containers: inspecting ${list.length} containers`);
    const docs = await mapLimit(list, ctx.concurrency, async (summary) => {
      const id = encodeURIComponent(summary.Id);
      let doc: Inspect;
      try {
        doc = await engineGet<Inspect>(docker, `/containers/${id}/json`);
      } catch (error) {
        // Removed between list and inspect: it no longer exists, so it is not part of the facts.
        if (error instanceof EngineHttpError && error.statusCode === 404) return undefined;
        throw error;
      }
      normaliseContainer(doc);
      if (!isRunning(doc)) {
        doc.Processes = null;
        return doc;
      }
      try {
        doc.Processes = mapTop(await engineGet<TopResult>(docker, `/containers/${id}/top`));
      } catch (error) {
        doc.Processes = null;
        doc.ProcessesError = error instanceof Error ? error.message : String(error);
      }
      return doc;
    });
    const containers = docs.filter((d): d is Inspect => d !== undefined);
    return ctx.runningOnly ? containers.filter(isRunning) : containers;
  },
};
