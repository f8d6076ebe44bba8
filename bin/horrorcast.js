#!/usr/bin/env node
// Runs the compiled CLI (dist/). In a checkout (src/ is present) it first makes sure dist/ matches
// src/, compiling when a source is newer than the last build, so a stale build never runs; the
// image ships dist/ alone and starts it directly.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (existsSync(join(root, 'src'))) {
  const { ensureBuild } = await import('./build.js');
  await ensureBuild();
}
await import(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href);
