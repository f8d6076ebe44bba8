import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/**
 * Production runs compiled JavaScript: the worker must be found as forest-worker.js beside the
 * compiled pool, without tsx. Compile src/ml alone into a scratch directory and run it with plain node.
 */
describe('forest workers from compiled JavaScript', () => {
  const dir = mkdtempSync(join(tmpdir(), 'horrorcast-ml-dist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('load and grow the same forest as the calling thread', () => {
    const out = join(dir, 'ml');
    mkdirSync(out);
    const sources = readdirSync(join(root, 'src/ml'), { recursive: true, encoding: 'utf8' });
    for (const file of sources.filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(join(root, 'src/ml', file), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
        fileName: file,
      });
      mkdirSync(dirname(join(out, file)), { recursive: true });
      writeFileSync(join(out, file.replace(/\.ts$/, '.js')), outputText);
    }
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(
      join(dir, 'check.js'),
      `import { createForestPool } from './ml/forest-pool.js';
import { fitRandomForestRegressor, fitRandomForestRegressorWith } from './ml/forest.js';
import { modelToJson } from './ml/artifact.js';
const serializeModel = (model) => JSON.stringify(modelToJson(model));
import { matrixFromRows } from './ml/matrix.js';
const rows = Array.from({ length: 200 }, (_, i) => [i % 17, (i * 7) % 13]);
const x = matrixFromRows(rows);
const y = Float64Array.from(rows, (r) => r[0] * 2 + r[1]);
const pool = createForestPool(2);
const parallel = await fitRandomForestRegressorWith(pool.grow, x, y, { trees: 6, seed: 3 });
await pool.close();
const single = fitRandomForestRegressor(x, y, { trees: 6, seed: 3 });
console.log(serializeModel(parallel) === serializeModel(single) ? 'identical' : 'different');
`,
    );
    const output = execFileSync(process.execPath, [join(dir, 'check.js')], { encoding: 'utf8' });
    expect(output.trim()).toBe('identical');
  });
});
