import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_NODE_FLAGS } from './worker-node-flags';

// The benchmark starts its worker with WORKER_NODE_FLAGS; production starts it as compose.yaml
// and the README say. If they drifted apart, the benchmark would measure a process nobody runs.
const root = join(__dirname, '..', '..');
const command = `node ${WORKER_NODE_FLAGS.join(' ')} dist/src/main.js`;

describe('the worker process is started with the same Node flags everywhere', () => {
  it("in compose.yaml's worker service", () => {
    const compose = readFileSync(join(root, 'compose.yaml'), 'utf8');
    const worker = /^ {2}worker:\n((?: {4}.*\n|\n)*)/m.exec(compose)?.[1] ?? '';
    const list = ['node', ...WORKER_NODE_FLAGS, 'dist/src/main.js'].map((part) => `'${part}'`);
    expect(worker).toContain(`command: [${list.join(', ')}]`);
  });

  it("in the README's operations section", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const operations = readme.slice(readme.indexOf('## Operations'));
    expect(operations).toContain(`PROCESS_ROLE=worker ${command}`);
  });
});
