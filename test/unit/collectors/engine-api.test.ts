import { expect } from 'chai';
import Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { EngineHttpError, engineGet } from '../../../src/collectors/docker/api.js';
import { connectDocker } from '../../../src/collectors/docker/connection.js';
import { dockerContainersCollector } from '../../../src/collectors/docker/containers.js';
import type { CollectContext } from '../../../src/collectors/types.js';

/** A tiny fake engine on a unix socket. */
function fakeEngine(seen: string[]): http.Server {
  return http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} host=${req.headers.host}`);
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/info') return json(200, { ID: 'engine-1', Swarm: { LocalNodeState: 'inactive' } });
    if (url.pathname === '/containers/json') {
      return json(
        200,
        [{ Id: 'aaa' }, { Id: 'gone' }, { Id: 'bbb' }].slice(0, url.searchParams.get('all') ? 3 : 1),
      );
    }
    if (url.pathname === '/containers/aaa/json') {
      return json(200, { Id: 'aaa', Name: '/web', State: { Running: true }, Config: { Env: ['K=secret'] } });
    }
    if (url.pathname === '/containers/bbb/json') {
      return json(200, { Id: 'bbb', Name: '/db', State: { Running: false }, Config: { Env: null } });
    }
    if (url.pathname === '/containers/aaa/top') {
      return json(500, { message: 'ps: exec failed' });
    }
    return json(404, { message: `No such object: ${url.pathname}` });
  });
}

describe('engine GET access', () => {
  let dir: string;
  let server: http.Server;
  let socket: string;
  const seen: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rampart-api-'));
    socket = path.join(dir, 'engine.sock');
    server = fakeEngine(seen);
    await new Promise<void>((r) => server.listen(socket, r));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const clients: [string, () => Docker][] = [
    ['direct transport (connectDocker)', () => connectDocker({ host: `unix://${socket}`, env: {} }).docker],
    ['docker-modem fallback (plain dockerode)', () => new Docker({ socketPath: socket })],
  ];

  for (const [label, client] of clients) {
    describe(label, () => {
      it('GETs JSON with the query string', async () => {
        const data = await engineGet<{ Id: string }[]>(client(), '/containers/json', {
          all: true,
          skip: undefined,
        });
        expect(data.map((c) => c.Id)).to.deep.equal(['aaa', 'gone', 'bbb']);
        expect(seen).to.have.length(1);
        expect(seen[0]).to.match(/^GET \/containers\/json\?all=true host=/);
      });

      it('turns a non-2xx answer into EngineHttpError with the engine message', async () => {
        let caught: unknown;
        await engineGet(client(), '/containers/nope/json').catch((e: unknown) => (caught = e));
        expect(caught).to.be.instanceOf(EngineHttpError);
        expect(caught).to.include({ statusCode: 404, path: '/containers/nope/json' });
        expect((caught as Error).message).to.equal(
          'GET /containers/nope/json: HTTP 404: No such object: /containers/nope/json',
        );
      });

      it('drives the containers collector: one inspect each, vanished containers dropped, top errors kept', async () => {
        const ctx: CollectContext = {
          docker: client(),
          runningOnly: false,
          concurrency: 2,
          log: () => undefined,
        };
        const data = (await dockerContainersCollector.collect(ctx, {})) as Record<string, unknown>[];
        expect(data).to.deep.equal([
          {
            Id: 'aaa',
            Name: 'web',
            State: { Running: true },
            Config: { Env: ['K=<redacted>'] },
            Processes: null,
            ProcessesError: 'GET /containers/aaa/top: HTTP 500: ps: exec failed',
          },
          { Id: 'bbb', Name: 'db', State: { Running: false }, Config: { Env: null }, Processes: null },
        ]);
        expect(seen.every((s) => s.startsWith('GET '))).to.equal(true);
        expect(seen.filter((s) => s.includes('/containers/aaa/json'))).to.have.length(1);
      });
    });
  }
});
