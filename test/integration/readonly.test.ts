import { expect } from 'chai';
import type Docker from 'dockerode';
import { collectDockerTarget } from '../../src/collectors/docker-target.js';
import { allDockerCollectors } from '../../src/collectors/docker/index.js';
import { runCollectors } from '../../src/collectors/runner.js';
import type { CollectContext, Collector } from '../../src/collectors/types.js';
import {
  createBridgeNetwork,
  createContainer,
  importTestImage,
  requireDockerd,
  skipOrFail,
  startDockerd,
  type CreatedContainer,
  type PrivateDockerd,
} from '../support/dockerd.js';
import { countByPath, recordEngineTraffic, type RecordingProxy } from '../support/recording-proxy.js';

function ctxVia(proxy: RecordingProxy, over: Partial<CollectContext> = {}): CollectContext {
  return {
    docker: proxy.docker,
    dockerAddress: proxy.address,
    dockerLocal: true,
    hostRoot: '/',
    runningOnly: false,
    concurrency: 16,
    log: () => undefined,
    ...over,
  };
}

const only = (...ids: string[]): Collector[] => allDockerCollectors.filter((c) => ids.includes(c.id));

describe('@integration Rampart never mutates the engine (recording proxy)', function () {
  this.timeout(120_000);
  let engine: PrivateDockerd | undefined;
  const containers: CreatedContainer[] = [];

  before(async function () {
    requireDockerd(this);
    try {
      engine = await startDockerd();
    } catch (error) {
      skipOrFail(this, `a private dockerd could not start: ${(error as Error).message}`);
    }
    const docker = engine.docker as Docker;
    await importTestImage(docker, { tag: 'rampart-test:1' });
    await createBridgeNetwork(docker, 'ro-net');
    for (let i = 0; i < 12; i++) {
      const running = i % 3 === 0;
      containers.push(
        await createContainer(
          docker,
          {
            name: `ro-${i}`,
            Image: 'rampart-test:1',
            Cmd: i === 0 ? ['/usr/sbin/sshd', '-D'] : ['sleep', '100000'],
            HostConfig: i === 3 ? { NetworkMode: 'ro-net' } : {},
          },
          running,
        ),
      );
    }
    expect(containers.filter((c) => c.started)).to.have.length(4);
  });

  after(async () => {
    await engine?.stop();
  });

  it('all docker collectors make only GET/HEAD requests and inspect each container exactly once', async () => {
    const { result, requests, mutating } = await recordEngineTraffic(
      (engine as PrivateDockerd).socket,
      (proxy) => runCollectors([...allDockerCollectors], ctxVia(proxy)),
    );
    expect(result.errors).to.deep.equal({});
    expect(mutating, JSON.stringify(mutating)).to.deep.equal([]);
    expect(requests.every((r) => r.status === 200)).to.equal(true);

    const inspects = countByPath(requests, /^\/containers\/[0-9a-f]{64}\/json$/);
    expect([...inspects.keys()].sort()).to.deep.equal(
      containers.map((c) => `/containers/${c.id}/json`).sort(),
    );
    expect([...inspects.values()].every((n) => n === 1)).to.equal(true);

    const tops = countByPath(requests, /^\/containers\/[0-9a-f]{64}\/top$/);
    const running = containers.filter((c) => c.started).map((c) => `/containers/${c.id}/top`);
    expect([...tops.keys()].sort()).to.deep.equal(running.sort());
    expect([...tops.values()].every((n) => n === 1)).to.equal(true);

    expect(countByPath(requests, /^\/containers\/json$/).get('/containers/json')).to.equal(1);
    const paths = new Set(requests.map((r) => r.path.replace(/[0-9a-f]{64}|[0-9a-z]{25}/g, '{id}')));
    expect([...paths].sort()).to.deep.equal(
      [
        '/containers/json',
        '/containers/{id}/json',
        '/containers/{id}/top',
        '/images/json',
        '/images/sha256:{id}/history',
        '/images/sha256:{id}/json',
        '/info',
        '/networks',
        '/networks/{id}',
        '/version',
      ].sort(),
    );
  });

  it('keeps to the requested concurrency', async () => {
    const { result, peakInFlight } = await recordEngineTraffic((engine as PrivateDockerd).socket, (proxy) =>
      runCollectors(only('docker.containers'), ctxVia(proxy, { concurrency: 3 })),
    );
    expect(result.errors).to.deep.equal({});
    expect(peakInFlight).to.be.within(1, 3);
  });

  it('a full docker target collection (ping, docker and host collectors) is read-only too', async () => {
    const { result, requests, mutating } = await recordEngineTraffic(
      (engine as PrivateDockerd).socket,
      (proxy) => collectDockerTarget({ dockerHost: proxy.address, env: {} }),
    );
    expect(mutating).to.deep.equal([]);
    expect(requests[0]).to.include({ method: 'GET', path: '/_ping' });
    expect(result.errors).to.deep.equal({});
    // through the proxy the address names no dockerd, so on a host with several the pid cannot be asserted
    expect(result.facts['host.daemon']).to.include({ running: true });
  });

  it('on a swarm manager, reads the swarm (without join tokens) and nodes with GET only', async () => {
    const docker = (engine as PrivateDockerd).docker;
    await docker.swarmInit({ ListenAddr: '127.0.0.1:0', AdvertiseAddr: '127.0.0.1' });
    try {
      const { result, requests, mutating } = await recordEngineTraffic(
        (engine as PrivateDockerd).socket,
        (proxy) => runCollectors(only('docker.engine', 'docker.swarm'), ctxVia(proxy)),
      );
      expect(result.errors).to.deep.equal({});
      expect(mutating).to.deep.equal([]);
      expect(requests.map((r) => r.path).sort()).to.deep.equal(['/info', '/nodes', '/swarm', '/version']);
      const s = result.facts['docker.swarm'] as {
        state: string;
        controlAvailable: boolean;
        swarm: Record<string, unknown>;
        nodes: { ManagerStatus?: { Leader?: boolean } }[];
      };
      expect(s).to.include({ state: 'active', controlAvailable: true });
      expect(s.swarm.ID).to.be.a('string');
      expect(s.swarm).not.to.have.property('JoinTokens');
      expect(JSON.stringify(s)).not.to.match(/SWMTKN-/);
      expect(s.nodes).to.have.length(1);
      expect(s.nodes[0]?.ManagerStatus?.Leader).to.equal(true);
    } finally {
      await docker.swarmLeave({ force: true });
    }
  });
});
