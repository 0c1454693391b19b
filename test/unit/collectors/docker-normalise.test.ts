import { expect } from 'chai';
import { redactCreatedBy, redactEnvEntry } from '../../../src/collectors/docker/api.js';
import { mapTop, normaliseContainer } from '../../../src/collectors/docker/containers.js';
import { imageName, normaliseImage } from '../../../src/collectors/docker/images.js';
import { mapLimit } from '../../../src/collectors/concurrency.js';

describe('docker fact normalisation', () => {
  it('redacts every container env value and strips the leading slash of the name', () => {
    const doc = normaliseContainer({
      Name: '/web',
      Config: { Env: ['PATH=/usr/bin', 'DB_PASSWORD=hunter2', 'EMPTY=', 'WEIRD=a=b', 'NOVALUE'] },
    });
    expect(doc.Name).to.equal('web');
    expect(doc.Config).to.deep.equal({
      Env: ['PATH=<redacted>', 'DB_PASSWORD=<redacted>', 'EMPTY=<redacted>', 'WEIRD=<redacted>', 'NOVALUE'],
    });
    expect(JSON.stringify(doc)).not.to.contain('hunter2');
  });

  it('copes with containers without config or env', () => {
    expect(normaliseContainer({ Name: 'x', Config: null })).to.deep.equal({ Name: 'x', Config: null });
    expect(normaliseContainer({ Name: 'y', Config: { Env: null } })).to.deep.equal({
      Name: 'y',
      Config: { Env: null },
    });
    expect(redactEnvEntry(42)).to.equal(42);
  });

  it('redacts image env and ENV/ARG values in history lines', () => {
    const doc = normaliseImage(
      {
        Id: 'sha256:0123456789abcdef0123',
        RepoTags: [],
        Config: { Env: ['API_KEY=abc123'] },
        ContainerConfig: { Env: ['API_KEY=abc123'] },
      },
      [
        { CreatedBy: '/bin/sh -c #(nop)  ENV API_KEY=abc123 OTHER="two words"' },
        { CreatedBy: 'ENV TOKEN=tok-999' },
        { CreatedBy: '/bin/sh -c #(nop) ENV LEGACY legacy-secret' },
        { CreatedBy: '|2 PASS=pw-1 USER=u /bin/sh -c make install' },
        { CreatedBy: '/bin/sh -c #(nop) ADD file:abc in / ' },
      ],
    );
    expect(doc.Name).to.equal('0123456789ab');
    const history = doc.History as { CreatedBy: string }[];
    expect(history.map((h) => h.CreatedBy)).to.deep.equal([
      '/bin/sh -c #(nop)  ENV API_KEY=<redacted> OTHER=<redacted>',
      'ENV TOKEN=<redacted>',
      '/bin/sh -c #(nop) ENV LEGACY <redacted>',
      '|2 PASS=<redacted> USER=<redacted> /bin/sh -c make install',
      '/bin/sh -c #(nop) ADD file:abc in / ',
    ]);
    const json = JSON.stringify(doc);
    for (const secret of ['abc123', 'two words', 'tok-999', 'legacy-secret', 'pw-1'])
      expect(json).not.to.contain(secret);
  });

  it('keeps the ENV keyword parser from leaking values that look like assignments', () => {
    expect(redactCreatedBy('ENV URL=postgres://u:pw@h/db?sslmode=require NEXT=1')).to.equal(
      'ENV URL=<redacted> NEXT=<redacted>',
    );
  });

  it('names images by their first tag, else the short id', () => {
    expect(imageName({ Id: 'sha256:aaaabbbbccccdddd', RepoTags: ['app:1', 'app:latest'] })).to.equal('app:1');
    expect(imageName({ Id: 'sha256:aaaabbbbccccdddd', RepoTags: ['<none>:<none>'] })).to.equal(
      'aaaabbbbcccc',
    );
    expect(imageName({ Id: 'sha256:aaaabbbbccccdddd', RepoTags: null })).to.equal('aaaabbbbcccc');
  });

  it('maps top output by column title', () => {
    expect(
      mapTop({
        Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
        Processes: [['root', '10', '1', '0', '10:00', '?', '00:00:00', '/usr/sbin/sshd -D']],
      }),
    ).to.deep.equal([{ user: 'root', pid: '10', command: '/usr/sbin/sshd -D' }]);
    expect(
      mapTop({
        Titles: ['USER', 'PID', '%CPU', 'COMMAND'],
        Processes: [['www', '7', '0.0', 'nginx: worker']],
      }),
    ).to.deep.equal([{ user: 'www', pid: '7', command: 'nginx: worker' }]);
    expect(mapTop({ Titles: ['PID'], Processes: [['1']] })).to.deep.equal([
      { user: null, pid: '1', command: null },
    ]);
    expect(mapTop({})).to.deep.equal([]);
  });
});

describe('mapLimit', () => {
  it('keeps order and never exceeds the limit', async () => {
    let active = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, n * 2));
      active--;
      return `${i}:${n}`;
    });
    expect(out).to.deep.equal(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6']);
    expect(peak).to.equal(3);
  });

  it('handles empty input and odd limits', async () => {
    expect(await mapLimit([], 8, async () => 1)).to.deep.equal([]);
    expect(await mapLimit([1, 2], 0, async (n) => n * 2)).to.deep.equal([2, 4]);
  });

  it('rejects with the first error and starts no new work after it', async () => {
    const started: number[] = [];
    let caught: unknown;
    try {
      await mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
        await new Promise((r) => setTimeout(r, 5));
        return n;
      });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal('boom');
    expect(started.length).to.be.lessThan(6);
  });
});
