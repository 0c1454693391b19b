/**
 * Collection cost against a real engine: a private dockerd (test/support/dockerd.ts) with N containers
 * (most created, a few running), then
 *   - the docker collectors alone (engine, containers, images, networks, swarm),
 *   - a full docker target collection (ping + docker + host collectors, what `rampart collect` does),
 *   - evaluation of every CIS Docker control over the collected facts.
 * Prints wall time and peak RSS per N; no assertions. BENCH_DOCKER_N="10,100,1000" picks the sizes,
 * BENCH_DOCKER_RUNNING the number of running containers (default 5), BENCH_DOCKER_CONCURRENCY the
 * collector concurrency (default 16).
 */
import type Docker from 'dockerode';
import { loadBenchmarks } from '../src/cli/shared.js';
import { allDockerCollectors } from '../src/collectors/docker/index.js';
import { collectDockerTarget } from '../src/collectors/docker-target.js';
import { factSetOf } from '../src/collectors/factset.js';
import { mapLimit } from '../src/collectors/concurrency.js';
import { runCollectors } from '../src/collectors/runner.js';
import { assess } from '../src/evaluator/assess.js';
import { dockerAvailable, importTestImage, startDockerd } from '../test/support/dockerd.js';

export interface DockerBenchRow {
  containers: number;
  running: number;
  collectMs: number;
  fullCollectMs: number;
  evaluateMs: number;
  results: number;
  factsMiB: number;
  peakRssMiB: number;
}

function sizesFromEnv(): number[] {
  const raw = process.env.BENCH_DOCKER_N ?? '10,100,500';
  return raw
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}

function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

async function createUpTo(docker: Docker, have: number, want: number, running: number): Promise<void> {
  const indexes = Array.from({ length: want - have }, (_, i) => have + i);
  await mapLimit(indexes, 8, async (i) => {
    const container = await docker.createContainer({
      name: `bench-${i}`,
      Image: 'rampart-bench:1',
      Cmd: ['sleep', '100000'],
      Env: [`SECRET_${i}=value-${i}`],
      Labels: { bench: 'rampart', index: String(i) },
      HostConfig:
        i >= running && i % 7 === 0
          ? { Privileged: true }
          : { ReadonlyRootfs: i % 2 === 0, Memory: 32 * 1024 * 1024 },
    });
    if (i < running) await container.start();
  });
}

/** Run the docker collection benchmark; prints a table and returns the rows. */
export async function benchDocker(sizes = sizesFromEnv()): Promise<DockerBenchRow[]> {
  const availability = dockerAvailable();
  console.log('\nDocker collection against a private dockerd (vfs, busybox image)');
  if (!availability.ok) {
    console.log(`  skipped: ${availability.reason}`);
    return [];
  }
  const runningWanted = Number(process.env.BENCH_DOCKER_RUNNING ?? 5);
  const concurrency = Number(process.env.BENCH_DOCKER_CONCURRENCY ?? 16);
  const engine = await startDockerd();
  const rows: DockerBenchRow[] = [];
  try {
    await importTestImage(engine.docker, { tag: 'rampart-bench:1' });
    const benchmarks = loadBenchmarks();
    console.log(
      'containers'.padStart(10),
      'running'.padStart(8),
      'docker ms'.padStart(10),
      'full ms'.padStart(9),
      'eval ms'.padStart(9),
      'results'.padStart(8),
      'facts MiB'.padStart(10),
      'peak RSS MiB'.padStart(13),
    );
    let have = 0;
    for (const n of sizes) {
      const running = Math.min(runningWanted, n);
      await createUpTo(engine.docker, have, n, running);
      have = n;

      let started = process.hrtime.bigint();
      const outcome = await runCollectors([...allDockerCollectors], {
        docker: engine.docker,
        dockerAddress: engine.address,
        dockerLocal: true,
        runningOnly: false,
        concurrency,
        log: () => undefined,
      });
      const collectMs = ms(started);
      if (Object.keys(outcome.errors).length > 0)
        throw new Error(`collection failed: ${JSON.stringify(outcome.errors)}`);

      started = process.hrtime.bigint();
      const target = await collectDockerTarget({ dockerHost: engine.address, env: {}, concurrency });
      const fullCollectMs = ms(started);

      const factSet = factSetOf([target]);
      started = process.hrtime.bigint();
      const doc = assess(factSet, benchmarks);
      const evaluateMs = ms(started);

      const row: DockerBenchRow = {
        containers: (outcome.facts['docker.containers'] as unknown[]).length,
        running,
        collectMs,
        fullCollectMs,
        evaluateMs,
        results: doc.results.length,
        factsMiB: Buffer.byteLength(JSON.stringify(factSet)) / 1024 / 1024,
        peakRssMiB: process.resourceUsage().maxRSS / 1024,
      };
      rows.push(row);
      console.log(
        String(row.containers).padStart(10),
        String(row.running).padStart(8),
        row.collectMs.toFixed(0).padStart(10),
        row.fullCollectMs.toFixed(0).padStart(9),
        row.evaluateMs.toFixed(0).padStart(9),
        String(row.results).padStart(8),
        row.factsMiB.toFixed(1).padStart(10),
        row.peakRssMiB.toFixed(0).padStart(13),
      );
    }
  } finally {
    await engine.stop();
  }
  return rows;
}
