/**
 * Suites run as child processes: each gets a fresh heap (so one suite's garbage or JIT state
 * does not tax the next, and peak RSS is its own), and the Nest ones get SWC, which emits the
 * decorator metadata Nest needs (tsx does not).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const MARK = 'BENCH_RESULT ';
export const ROOT = join(__dirname, '..', '..');

/** What a suite reports: measured values by name. */
export type SuiteOutput = Record<string, unknown>;

/** Called by a suite at its end. */
export function report(output: SuiteOutput): void {
  process.stdout.write(`${MARK}${JSON.stringify(output)}\n`);
}

export function log(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

export function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export function textOption(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Runs `bench/suites/<suite>.ts` under SWC and returns what it reported. */
export function runSuite(
  suite: string,
  args: string[] = [],
  options: { nodeArgs?: string[]; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<SuiteOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), '-r', '@swc-node/register', join(ROOT, 'bench', 'suites', `${suite}.ts`), ...args],
      { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    let result: SuiteOutput | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line.startsWith(MARK)) result = JSON.parse(line.slice(MARK.length)) as SuiteOutput;
        else if (line.trim()) process.stderr.write(`  ${line}\n`);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15 * 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result && code === 0) resolve(result);
      else reject(new Error(`suite ${suite} ${signal ? `was killed (${signal})` : `exited with ${code}`}${result ? '' : ' without a result'}`));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peak resident set of this process so far, in MB (the kernel's high-water mark). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
