import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The UI's own import graph (type-only imports included): the shell imports the screens, the
// screens import what they draw with, and nothing imports its way back.
const SRC = new URL('.', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gms)].map((m) => {
      const target = resolve(dirname(file), m[1]);
      const candidates = [target, `${target}.ts`, join(target, 'index.ts')];
      return relative(SRC, candidates.find((c) => statSync(c, { throwIfNoEntry: false })?.isFile()) ?? target);
    });
    edges.set(relative(SRC, file), targets);
  }
  return edges;
}

/** Every cycle found by a depth-first walk, as the list of files around it. */
function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (file: string, path: string[]) => {
    const at = path.indexOf(file);
    if (at >= 0) {
      found.push([...path.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    for (const next of edges.get(file) ?? []) walk(next, [...path, file]);
    done.add(file);
  };
  for (const file of edges.keys()) walk(file, []);
  return found;
}

describe('imports', () => {
  it('have no cycle', () => {
    const edges = graph();
    expect(edges.get('app.ts')).toContain('screens/index.ts');
    expect(cycles(edges)).toEqual([]);
  });

  it('keep the screens away from the shell', () => {
    for (const [file, targets] of graph()) {
      if (file.startsWith('screens/')) expect(targets, file).not.toContain('app.ts');
    }
  });
});
