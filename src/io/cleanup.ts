import { rmSync } from 'node:fs';

/*
 * Temporary files and directories in flight. A signal handler (the CLI's) removes them all
 * synchronously before exiting, so an interrupted run leaves nothing behind.
 */
const temps = new Set<string>();

export function registerTemp(path: string): void {
  temps.add(path);
}

export function unregisterTemp(path: string): void {
  temps.delete(path);
}

/** Remove every registered temp path now (for signal handlers). */
export function removeAllTempsSync(): void {
  for (const p of temps) {
    try {
      rmSync(p, { recursive: true, force: true });
    } catch {
      // Best effort: the process is exiting.
    }
  }
  temps.clear();
}
