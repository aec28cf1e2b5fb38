import { readFileSync } from 'node:fs';

// Where a process's CPU went, from a V8 CPU profile (BENCH_CPU_PROF=<dir> writes one per bench
// child): self time summed by module (a package under node_modules, a folder of our code, or V8's
// own entries such as the garbage collector), then the functions that took most.
//
//   node dist/bench/profile-summary.js <file.cpuprofile> [how many functions, 25]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// "express", "@nestjs/core", "app src/bids", "node:internal/streams", "(garbage collector)".
function moduleOf(url: string, functionName: string): string {
  if (!url) {
    return functionName.startsWith('(') ? functionName : '(native)';
  }
  const packages = url.split('/node_modules/');
  if (packages.length > 1) {
    const [first, second] = packages[packages.length - 1].split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (url.startsWith('node:')) {
    return url.split('/').slice(0, 2).join('/');
  }
  const ours = /\/dist\/(src|bench)\/([^/]+)/.exec(url);
  if (ours) {
    return `app ${ours[1]}/${ours[2].replace(/\.js$/, '')}`;
  }
  return url;
}

function main(): void {
  const [file, top = '25'] = process.argv.slice(2);
  if (!file) {
    throw new Error('Usage: node dist/bench/profile-summary.js <file.cpuprofile> [functions]');
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parents.set(child, node.id);
    }
  }
  // Node's own code and native calls (a socket's writev, a JSON.stringify) are counted to the
  // package or folder of ours that called them: that is the code which asked for the work.
  const owner = (id: number): string => {
    const { url, functionName } = (byId.get(id) as ProfileNode).callFrame;
    const module = moduleOf(url, functionName);
    const parent = parents.get(id);
    if (parent === undefined || url.includes('/node_modules/') || module.startsWith('app ')) {
      return module;
    }
    const above = owner(parent);
    return above === '(root)' ? module : above;
  };
  // Each sample's time is the delta to the next one; summed per node, that is its self time.
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
    total += ms;
    if (functionName === '(idle)') {
      idle += ms;
    }
    const module = moduleOf(url, functionName);
    const caller = owner(id);
    modules.set(caller, (modules.get(caller) ?? 0) + ms);
    const name = `${functionName || '(anonymous)'} ${module}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const busy = total - idle;
  const line = (name: string, ms: number) =>
    `${(ms / 1000).toFixed(2).padStart(8)} s ${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${name}`;
  const ranked = (map: Map<string, number>, count: number) =>
    [...map]
      .filter(([name]) => name !== '(idle)' && !name.startsWith('(idle) '))
      .sort((a, b) => b[1] - a[1])
      .slice(0, count);
  const out = [
    `${file}: ${(total / 1000).toFixed(1)} s profiled, ${(busy / 1000).toFixed(1)} s busy (shares are of busy time)`,
    '',
    "By module (Node's own and native code counted to the package or folder that called it):",
    ...ranked(modules, 30).map(([name, ms]) => line(name, ms)),
    '',
    'By function (self time):',
    ...ranked(functions, Number(top)).map(([name, ms]) => line(name, ms)),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
