// Compiles src/ into dist/ and keeps a checkout from ever running stale output: the build stamp
// carries the time its build started, and any source file or folder (a folder's time changes when a
// file in it is added, removed or renamed) touched after that makes the build out of date.
// `node bin/build.js` (npm run build, prepare) type-checks and compiles everything; bin/horrorcast.js
// and the test run call `ensureBuild`, which recompiles only what changed, file by file without a
// type check (the sources are isolated modules, so each file compiles alone to the same JavaScript;
// `npm run lint` is where types are checked).
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const lock = join(root, '.build.lock');
/** What the compiled output depends on besides the files under src/. */
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'bin/build.js'].map((file) => join(root, file));
const staticSource = join(root, 'src', 'web', 'static');
const staticTarget = join(dist, 'web', 'static');
const abandonedLockMs = 5 * 60_000;

/** Newest modification time (ms) of a file, or of a folder and everything in it. */
function newestChange(path) {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

export function buildIsCurrent() {
  if (!existsSync(stamp)) return false;
  const builtAt = statSync(stamp).mtimeMs;
  return [join(root, 'src'), ...inputs].every((path) => !existsSync(path) || newestChange(path) <= builtAt);
}

/** Compiled files whose source is gone (removed or renamed) would otherwise stay importable. */
function removeOrphans(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (path === staticTarget) continue;
    if (entry.isDirectory()) {
      removeOrphans(path);
      if (readdirSync(path).length === 0) rmdirSync(path);
      continue;
    }
    const source = relative(dist, path).replace(/\.js(\.map)?$/, '.ts');
    if (source.endsWith('.ts') && !existsSync(join(root, 'src', source))) rmSync(path);
  }
}

/** Removes compiled files of deleted sources, copies the dashboard's files and writes the stamp. */
function finish(startedAt) {
  removeOrphans(dist);
  rmSync(staticTarget, { recursive: true, force: true });
  cpSync(staticSource, staticTarget, { recursive: true });
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  utimesSync(stamp, startedAt, startedAt);
}

/** Type-checks and compiles all of src/ with tsc. */
export function build() {
  const startedAt = new Date();
  rmSync(stamp, { force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (compiled.status !== 0) throw new Error('the build failed: TypeScript reported the errors above');
  finish(startedAt);
}

/**
 * Compiles each source that changed since the last build, or whose output is missing (a renamed
 * file keeps its old time), with the compiler options of tsconfig.build.json; all of them when
 * there was no build or a setting changed.
 */
export async function refresh() {
  const startedAt = new Date();
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : Number.NEGATIVE_INFINITY;
  rmSync(stamp, { force: true });
  const { default: ts } = await import('typescript');
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  // A lone file cannot see package.json's "type": "module", which makes every source an ES module
  // under NodeNext: say so, or it would be emitted as CommonJS.
  const compilerOptions = {
    ...config.options,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const settingsChanged = inputs.some((path) => existsSync(path) && statSync(path).mtimeMs > builtAt);
  for (const file of config.fileNames.filter((name) => !name.endsWith('.d.ts'))) {
    const output = join(dist, relative(join(root, 'src'), file)).replace(/\.ts$/, '.js');
    if (!settingsChanged && existsSync(output) && statSync(file).mtimeMs <= builtAt) continue;
    const { outputText, sourceMapText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions,
      fileName: file,
    });
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, outputText);
    if (sourceMapText) {
      const map = JSON.parse(sourceMapText);
      map.sources = [relative(dirname(output), file)];
      writeFileSync(`${output}.map`, JSON.stringify(map));
    }
  }
  finish(startedAt);
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the build lock (a folder: creating one is atomic), clearing a lock left by a killed build. */
async function takeLock() {
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > abandonedLockMs)
        rmSync(lock, { recursive: true, force: true });
      else await pause(200);
    }
  }
}

/** Builds when the output is out of date; processes started together build once and share it. */
export async function ensureBuild(log = (line) => process.stderr.write(`${line}\n`)) {
  if (buildIsCurrent()) return;
  await takeLock();
  try {
    if (buildIsCurrent()) return;
    log('horrorcast: src/ changed since the last build; compiling the changes to dist/ …');
    await refresh();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Vitest's global setup: the CLI tests run the compiled `horrorcast`, so it must match src/. */
export async function setup() {
  await ensureBuild();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await takeLock();
  try {
    build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
