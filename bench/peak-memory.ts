/**
 * `npm run bench:memory`: runs the CLI's default job (`backprop train`: preset mnist-mlp) as a child process,
 *
 *   node --conditions=source --import tsx src/cli/bin.ts train --progress none --out <tmpdir> --backend <b>
 *
 * under the cpu backend, wasm on 1 thread and wasm on the default threads (CONFIGS), RUNS times each in turn, and
 * reports the median peak resident memory of each, its wall time and the final test metrics it prints. The peak is the
 * kernel's high-water mark of the node process's resident set: VmHWM in /proc/<pid>/status, polled while it runs,
 * and, when GNU time is installed at /usr/bin/time (Debian's `time` package), also its ru_maxrss from `time -v`,
 * which cannot miss a late peak. Prints a Markdown section and puts it into bench/results.md (replacing an older one).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MEMORY_HEADING, putSection, readResults, writeResults } from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GNU_TIME = '/usr/bin/time';
const POLL_MS = 50;

/** Whether /usr/bin/time is GNU time with -v (BusyBox's and the shell keyword are not). */
function gnuTimeWorks(): boolean {
  if (!existsSync(GNU_TIME)) return false;
  const r = spawnSync(GNU_TIME, ['-v', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /Maximum resident set size/.test(r.stderr);
}

/** A "Name:   123 kB" field of /proc/<pid>/status in kB, or null when the process (or the field) is gone. */
function procStatusKb(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The first child of process `pid` (the node process that /usr/bin/time started), or null. */
function firstChild(pid: number): number | null {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : null;
  } catch {
    return null;
  }
}

/** A backend and thread count to run the job under (threads undefined: the default). */
interface JobConfig {
  readonly label: string;
  readonly backend: string;
  readonly threads?: number;
}

/** The job runs under each, RUNS times in turn: the cpu backend (the floor it was measured on before wasm), wasm on 1 thread and on the default. */
const CONFIGS: readonly JobConfig[] = [
  { label: 'cpu', backend: 'cpu' },
  { label: 'wasm, 1 thread', backend: 'wasm', threads: 1 },
  { label: 'wasm, default threads', backend: 'wasm' },
];
/** Runs per configuration: a single peak varies by ±10 MB here with GC timing, so the median of several is reported. */
const RUNS = 5;

/** What one run of the job gave. */
interface JobResult {
  readonly exitCode: number | null;
  readonly wallSeconds: number;
  /** Largest VmHWM seen while polling, kB (null if never read). */
  readonly polledHwmKb: number | null;
  readonly polls: number;
  /** ru_maxrss reported by GNU time -v, kB (null without GNU time). */
  readonly timeMaxRssKb: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the job, polling the node process's VmHWM every POLL_MS ms. */
function runJob(outDir: string, useTime: boolean, config: JobConfig): Promise<JobResult> {
  const jobArgs = ['--conditions=source', '--import', 'tsx', 'src/cli/bin.ts', 'train', '--progress', 'none', '--out', outDir, '--backend', config.backend];
  const timeReport = path.join(outDir, 'time-v.txt');
  const [cmd, args] = useTime ? [GNU_TIME, ['-v', '-o', timeReport, process.execPath, ...jobArgs]] : [process.execPath, jobArgs];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const env = { ...process.env, BACKPROP_THREADS: config.threads === undefined ? '' : String(config.threads) };
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    let nodePid: number | null = useTime ? null : (child.pid ?? null);
    let polledHwmKb: number | null = null;
    let polls = 0;
    const poll = (): void => {
      if (nodePid === null && child.pid !== undefined) nodePid = firstChild(child.pid);
      if (nodePid === null) return;
      const kb = procStatusKb(nodePid, 'VmHWM');
      if (kb === null) return;
      polls++;
      if (polledHwmKb === null || kb > polledHwmKb) polledHwmKb = kb;
    };
    const timer = setInterval(poll, POLL_MS);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('close', (exitCode) => {
      clearInterval(timer);
      const wallSeconds = (performance.now() - t0) / 1000;
      let timeMaxRssKb: number | null = null;
      if (useTime && existsSync(timeReport)) {
        const m = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(readFileSync(timeReport, 'utf8'));
        if (m) timeMaxRssKb = Number(m[1]);
      }
      resolve({ exitCode, wallSeconds, polledHwmKb, polls, timeMaxRssKb, stdout, stderr });
    });
  });
}

/** kB to MB (mebibytes, as the bench table). */
function mb(kb: number): string {
  return (kb / 1024).toFixed(1);
}

/** Load averages as "1 / 5 / 15 min" figures. */
function load(l: readonly number[]): string {
  return l.map((v) => v.toFixed(2)).join(' / ');
}

/** The peak of one run in kB (GNU time's ru_maxrss, else the polled VmHWM), or an error message. */
function peakOf(r: JobResult): number | string {
  if (r.exitCode !== 0) return `the job failed with exit code ${String(r.exitCode)}\n${r.stderr}${r.stdout}`;
  return r.timeMaxRssKb ?? r.polledHwmKb ?? 'could not read the peak memory: neither GNU time nor /proc/<pid>/status gave a value';
}

/** The median of a non-empty list. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

async function main(): Promise<number> {
  const useTime = gnuTimeWorks();
  const loadBefore = os.loadavg();
  const peaks = CONFIGS.map(() => [] as number[]);
  const walls = CONFIGS.map(() => [] as number[]);
  const finalLines = CONFIGS.map(() => '');
  for (let run = 0; run < RUNS; run++) {
    for (const [i, config] of CONFIGS.entries()) {
      const outDir = mkdtempSync(path.join(os.tmpdir(), 'backprop-peak-memory-'));
      process.stderr.write(`[bench:memory] run ${run + 1}/${RUNS}, ${config.label}: backprop train --backend ${config.backend}${useTime ? ` under ${GNU_TIME} -v` : ''} …\n`);
      let r: JobResult;
      try {
        r = await runJob(outDir, useTime, config);
      } finally {
        rmSync(outDir, { recursive: true, force: true });
      }
      const peak = peakOf(r);
      if (typeof peak === 'string') {
        process.stderr.write(`[bench:memory] ${config.label}: ${peak}\n`);
        return 1;
      }
      peaks[i].push(peak);
      walls[i].push(r.wallSeconds);
      finalLines[i] = r.stdout.split('\n').find((l) => /^(test|training) .*accuracy/.test(l)) ?? '(no accuracy line found in the output)';
    }
  }
  const loadAfter = os.loadavg();
  const how = useTime
    ? `ru_maxrss from \`${GNU_TIME} -v\``
    : `VmHWM of /proc/<pid>/status, the largest of the reads every ${POLL_MS} ms (GNU time not installed)`;
  const cpus = os.cpus();
  const base = median(peaks[0]);
  const rows = CONFIGS.map((c, i) => {
    const m = median(peaks[i]);
    const d = (m - base) / 1024;
    const accuracy = /accuracy ([\d.]+) %/.exec(finalLines[i])?.[1];
    return `| ${c.label} | ${mb(m)} MB | ${i === 0 ? '—' : `${d >= 0 ? '+' : ''}${d.toFixed(1)} MB`} | ${peaks[i].map(mb).join(', ')} | ` +
      `${median(walls[i]).toFixed(1)} s | ${accuracy === undefined ? '—' : `${accuracy} %`} |`;
  });
  const section = [
    MEMORY_HEADING,
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}: ` +
      '`node --conditions=source --import tsx src/cli/bin.ts train --progress none --out <tmpdir> --backend <b>` ' +
      '(preset mnist-mlp: 784-128-10 ReLU MLP, 8,000 MNIST digits, 8 epochs, batch 64, SGD with momentum 0.9, cosine schedule) ' +
      `as one child process, ${RUNS} runs per row taken in turn. Load average (1 / 5 / 15 min): ${load(loadBefore)} before, ${load(loadAfter)} after.`,
    '',
    '| backend | peak RSS (median) | against cpu | every run | wall time (median) | test accuracy |',
    '| :-- | --: | --: | :-- | --: | --: |',
    ...rows,
    '',
    `Peak RSS: the node process's resident high-water mark, ${how}. Wall time: spawn to exit, including start-up ` +
      '(tsx compiling the sources), data loading, training, the final evaluation and saving. 1 MB = 1024² bytes.',
  ].join('\n');
  process.stdout.write(`${section}\n`);
  writeResults(putSection(readResults(), MEMORY_HEADING, section));
  return 0;
}

process.exitCode = await main();
