/**
 * The data stage's cache: each publication's data stage output, kept under a key made of
 * its input files' SHA-256, the code that made it and the export folder's path. A build
 * whose export did not change (an earlier publication of a history folder, a build run
 * again after its pages failed or after only pages changed) takes the output from here
 * instead of reading the payments again.
 *
 *   {cacheDir}/{key}/out/         the output: hard links to the files the build used
 *   {cacheDir}/{key}/files.tsv    path, size and mtime of every file of out/, when stored
 *   {cacheDir}/{key}/stage.json   the stage's result and log lines, replayed on a hit (with
 *                                 this build's report path: an earlier publication's changes
 *                                 when a newer one is added)
 *   {cacheDir}/{key}/report.txt   its report file (warnings), put back on a hit
 *
 * Hard links cost no copy and no space while `.data/` holds the same files. They are safe
 * because nothing writes into a data stage file once the stage has ended: the history
 * writes files of its own and only deletes (prunes) data stage files. Writing in place would
 * change a file's mtime, so an entry whose files do not match `files.tsv` is not used and is
 * replaced. Where links are impossible (another file system) files are copied.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { FILES } from '../src/lib/contract.ts';
import type { DataStageResult } from './build-data.ts';
import { fileSha256 } from './site-index.ts';

const root = resolve(import.meta.dirname, '..');
/** Bumped when the layout of an entry changes. */
const FORMAT = 1;
/** The files the data stage reads from an export folder. */
const INPUT_FILES = [FILES.payments.file, FILES.regions.file, FILES.enrollment.file, 'site.json'];
/** The data stage's entry point, run once per publication in a worker thread. */
const ENTRY = join(root, 'scripts/publication-worker.ts');

/** What a cache hit gives back: the stage's result and the lines it logged. */
export interface CachedStage {
  result: DataStageResult;
  logs: string[];
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * Every source file the data stage loads: the worker's module graph, following relative
 * `import … from`, `import()` and `new URL(<relative path>, import.meta.url)` (worker threads).
 * Packages are covered by the lockfile in the key.
 */
export function dataStageSources(entry = ENTRY): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) visit(resolve(dirname(file), m[1]!));
  };
  visit(entry);
  return [...seen].map((f) => relative(root, f)).sort();
}

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

let codeDigest: string | null = null;

/** SHA-256 over the data stage's sources, the lockfile and Node's version (computed once per build). */
export function dataStageCodeDigest(): string {
  if (codeDigest) return codeDigest;
  const files = [...dataStageSources(), 'package-lock.json'];
  const lines = files.map((f) => `${f}\t${sha256(readFileSync(join(root, f)))}`);
  return (codeDigest = sha256([`node ${process.version}`, ...lines].join('\n')));
}

/** Size and SHA-256 of one file of an export (-1 and "missing" when the folder lacks it). */
export interface InputHash {
  file: string;
  bytes: number;
  sha256: string;
}

/** Size and SHA-256 of `file` of the export folder `dataDir`. */
export async function inputHash(dataDir: string, file: string): Promise<InputHash> {
  const path = join(dataDir, file);
  return existsSync(path) ? { file, bytes: statSync(path).size, sha256: await fileSha256(path) } : { file, bytes: -1, sha256: 'missing' };
}

/** Size and SHA-256 of each file the data stage reads from an export folder. */
export async function exportInputs(dataDir: string): Promise<InputHash[]> {
  const inputs: InputHash[] = [];
  for (const file of INPUT_FILES) inputs.push(await inputHash(dataDir, file));
  return inputs;
}

/** Where a stage reads, and the code that runs it: what its output depends on. */
export interface StageKeyInput {
  dataDir: string;
  code?: string;
  /** The export's files as {@link exportInputs} gives them, when the caller has them already. */
  inputs?: readonly InputHash[];
}

/** Stands for the report file's path in stored log lines. */
const REPORT_PATH = '\u0000report\u0000';

/**
 * The cache key of one publication's data stage: its input files' SHA-256 (a missing file
 * counts as missing), the code digest, and the export folder's path (log lines name it).
 */
export async function stageKey(opts: StageKeyInput): Promise<string> {
  const inputs = (opts.inputs ?? (await exportInputs(opts.dataDir))).map((i) => `${i.file}\t${i.sha256}`);
  return sha256([`format ${FORMAT}`, `code ${opts.code ?? dataStageCodeDigest()}`, `data ${resolve(opts.dataDir)}`, ...inputs].join('\n'));
}

/** Every folder and file under `dir`, by path relative to it, each folder before its contents, names in code-unit order. */
function* treeEntries(dir: string, rel = ''): Generator<{ path: string; isDir: boolean }> {
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    yield { path, isDir: e.isDirectory() };
    if (e.isDirectory()) yield* treeEntries(dir, path);
  }
}

/** A `files.tsv` line: path, size and mtime of a file. */
function fileLine(dir: string, path: string): string {
  const s = statSync(join(dir, path));
  return `${path}\t${s.size}\t${s.mtimeMs}`;
}

/**
 * Links (or, across file systems, copies) every file of `src` into the new folder `dst`
 * (empty folders included), and returns the `files.tsv` lines of `dst`.
 */
function linkTree(src: string, dst: string): string[] {
  const lines: string[] = [];
  mkdirSync(dst, { recursive: true });
  for (const { path, isDir } of treeEntries(src)) {
    if (isDir) {
      mkdirSync(join(dst, path));
      continue;
    }
    try {
      linkSync(join(src, path), join(dst, path));
    } catch (err) {
      if (!['EXDEV', 'EPERM', 'EMLINK'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      copyFileSync(join(src, path), join(dst, path));
    }
    lines.push(fileLine(dst, path));
  }
  return lines;
}

/** The `files.tsv` lines of a folder as it is now. */
function listTree(dir: string): string[] {
  const lines: string[] = [];
  for (const { path, isDir } of treeEntries(dir)) if (!isDir) lines.push(fileLine(dir, path));
  return lines;
}

/**
 * Puts the cached output of `key` at `outDir` (which must not exist) and its report at
 * `reportFile`, and returns what the stage logged; null when there is no entry, or when its
 * files are not the ones stored (the entry is then deleted).
 */
export function restoreStage(cacheDir: string, key: string, outDir: string, reportFile: string): CachedStage | null {
  const entry = join(cacheDir, key);
  if (!existsSync(join(entry, 'stage.json'))) return null;
  const stored = readFileSync(join(entry, 'files.tsv'), 'utf8');
  if (listTree(join(entry, 'out')).join('\n') + '\n' !== stored) {
    rmSync(entry, { recursive: true, force: true });
    return null;
  }
  linkTree(join(entry, 'out'), outDir);
  mkdirSync(dirname(reportFile), { recursive: true });
  copyFileSync(join(entry, 'report.txt'), reportFile);
  const stage = JSON.parse(readFileSync(join(entry, 'stage.json'), 'utf8')) as CachedStage;
  return { ...stage, logs: stage.logs.map((l) => l.replaceAll(REPORT_PATH, resolve(reportFile))) };
}

/**
 * Stores a successful stage's output (`outDir`, linked, not copied), report and log lines
 * under `key`. Written to a temporary folder and renamed, so an entry is whole or absent.
 */
export function storeStage(cacheDir: string, key: string, outDir: string, reportFile: string, stage: CachedStage): void {
  const entry = join(cacheDir, key);
  const tmp = join(cacheDir, `tmp-${process.pid}-${key}`);
  rmSync(tmp, { recursive: true, force: true });
  const files = linkTree(outDir, join(tmp, 'out'));
  writeFileSync(join(tmp, 'files.tsv'), files.join('\n') + '\n');
  copyFileSync(reportFile, join(tmp, 'report.txt'));
  writeFileSync(join(tmp, 'stage.json'), JSON.stringify({ ...stage, logs: stage.logs.map((l) => l.replaceAll(resolve(reportFile), REPORT_PATH)) }));
  rmSync(entry, { recursive: true, force: true });
  renameSync(tmp, entry);
}

/** Deletes every entry but `keep` (the current publications'), and what a killed build left half-written. */
export function pruneCache(cacheDir: string, keep: Iterable<string>): void {
  if (!existsSync(cacheDir)) return;
  const kept = new Set(keep);
  for (const name of readdirSync(cacheDir)) if (!kept.has(name)) rmSync(join(cacheDir, name), { recursive: true, force: true });
}
