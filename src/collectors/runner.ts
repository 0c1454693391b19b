import type { JsonValue } from '../core/types.js';
import { CollectorUnavailable, type CollectContext, type Collector } from './types.js';

export interface CollectOutcome {
  facts: Record<string, JsonValue>;
  errors: Record<string, string>;
}

function reasonOf(err: unknown): string {
  if (err instanceof CollectorUnavailable) return err.message;
  const e = err as { message?: string; statusCode?: number; reason?: string; json?: { message?: string } };
  const msg = e.json?.message ?? e.reason ?? e.message ?? String(err);
  return (e.statusCode ? `HTTP ${e.statusCode}: ${msg}` : msg).split('\n')[0] ?? String(err);
}

/**
 * Runs collectors in dependency order; independent ones run concurrently. A failing collector records its
 * reason and the collectors that depend on it are skipped with a reason; the rest go on.
 */
export async function runCollectors(collectors: Collector[], ctx: CollectContext): Promise<CollectOutcome> {
  const facts: Record<string, JsonValue> = {};
  const errors: Record<string, string> = {};
  const ids = new Set(collectors.map((c) => c.id));
  const pending = new Map(collectors.map((c) => [c.id, c]));
  while (pending.size) {
    const ready = [...pending.values()].filter((c) =>
      (c.dependsOn ?? []).every((d) => !ids.has(d) || !pending.has(d)),
    );
    if (!ready.length) throw new Error(`collector dependency cycle among ${[...pending.keys()].join(', ')}`);
    await Promise.all(
      ready.map(async (c) => {
        pending.delete(c.id);
        const failedDep = (c.dependsOn ?? []).find((d) => errors[d] !== undefined);
        if (failedDep) {
          errors[c.id] = `needs ${failedDep}, which failed: ${errors[failedDep]}`;
          return;
        }
        const started = Date.now();
        try {
          facts[c.id] = await c.collect(ctx, facts);
          ctx.log(`collected ${c.id} in ${Date.now() - started} ms`);
        } catch (err) {
          errors[c.id] = reasonOf(err);
          ctx.log(`collector ${c.id} failed: ${errors[c.id]}`);
        }
      }),
    );
  }
  return { facts, errors };
}
