// Memory and CPU figures of processes, read from Linux's /proc: peak RSS (VmHWM), which a write to
// clear_refs resets so a phase's own peak can be told from start-up's, and CPU time per process and machine.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Bytes; null once the process is gone. */
export const rssOf = (pid: number) => statusField(pid, 'VmRSS');
export const peakRssOf = (pid: number) => statusField(pid, 'VmHWM');

/** Resets the process's peak RSS to its current RSS (Linux 4.0+); false when the kernel refused. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds (user + system) the process has used so far, children excluded. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}

const sharedPostgresWork = /: (walwriter|checkpointer|background writer)\b/;

/**
 * CPU seconds of the PostgreSQL processes that work for the benchmark: backends connected to one of its
 * databases (their process title names the database) and the server's shared writers. Other databases'
 * backends on the same server (tests running alongside) are left out.
 */
function postgresCpuSeconds(databases: readonly string[]): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!sharedPostgresWork.test(title) && !databases.some((name) => title.includes(` ${name} `))) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we read.
    }
  }
  return ticks / ticksPerSecond;
}

/** Busy CPU seconds of the whole machine so far, summed over cores. */
function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond;
}

export const coreCount = cpus().length;

export interface CpuFigures {
  byProcess: Record<string, number>;
  machine: number;
}

export interface CpuWatch {
  /** CPU seconds each watched process and the machine used since the watch began. */
  stop(): CpuFigures;
}

/** Watches processes by pid, and PostgreSQL's work for the named databases. */
export function watchCpu(pids: Record<string, number>, databases: readonly string[]): CpuWatch {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid) ?? 0]));
  const machineStart = machineBusySeconds();
  const postgresStart = postgresCpuSeconds(databases);
  return {
    stop() {
      const postgres = round(postgresCpuSeconds(databases) - postgresStart, 1);
      const byProcess: Record<string, number> = { postgres };
      for (const [name, pid] of Object.entries(pids)) {
        const now = cpuSecondsOf(pid);
        if (now !== null) byProcess[name] = round(now - (start[name] ?? 0), 1);
      }
      return { byProcess, machine: round(machineBusySeconds() - machineStart, 1) };
    },
  };
}

/** Samples RSS every `everyMs` as a cross-check of VmHWM (and the only figure if clear_refs is refused). */
export function sampleRss(pid: number, everyMs = 250): { stop(): number } {
  let max = rssOf(pid) ?? 0;
  const timer = setInterval(() => {
    max = Math.max(max, rssOf(pid) ?? 0);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, rssOf(pid) ?? 0);
    },
  };
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
