/** `npm run bench`: prints performance figures. BENCH=evaluate,docker selects suites. */
import { benchEvaluate } from './evaluate.js';

const wanted = new Set((process.env.BENCH ?? 'evaluate,docker').split(',').map((s) => s.trim()));

if (wanted.has('evaluate')) benchEvaluate();
if (wanted.has('docker')) {
  const { benchDocker } = await import('./docker.js');
  await benchDocker();
}
