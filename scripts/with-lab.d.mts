// Types of scripts/with-lab.mjs (plain JavaScript so that scripts/test.mjs runs on plain Node).
import type { ChildProcess, SpawnOptions } from 'node:child_process'

export interface LabCommand {
  /** A with-lab scenario: 'slice' or 'discovery' (tests/lab/with-lab.ts). */
  scenario: string
  /** The fake Home Assistant's version (discovery scenario), e.g. '2026.10.x'. */
  haVersion?: string
  /** The command and its arguments, run in the lab's workstation namespace. */
  command: string[]
}

export function withLabArgs(command: LabCommand): string[]
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number
export function spawnWithLab(
  options: LabCommand & SpawnOptions & { onSignal?: (signal: NodeJS.Signals) => void },
): ChildProcess
export function runWithLab(
  options: LabCommand & SpawnOptions & { onSignal?: (signal: NodeJS.Signals) => void; timeoutMs?: number },
): Promise<{ code: number; signal: NodeJS.Signals | null; stdout: string; stderr: string }>
