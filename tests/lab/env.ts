// For test files run by with-lab.ts: what lab (if any) are we inside?
//   KEYWARD_LAB              JSON of Lab.describe() plus { workstation }   (inside the ws namespace)
//   KEYWARD_LAB_UNAVAILABLE  why no lab could be built (command ran directly on the host)
import { labDescriptionSchema, type LabDescription } from './types.ts'

export type { LabConsole, LabDescription, LabHost } from './types.ts'

/** The lab this process runs in, or null when not started under with-lab (or no lab was possible). */
export function readLabFromEnv(env: NodeJS.ProcessEnv = process.env): LabDescription | null {
  const raw = env.KEYWARD_LAB
  if (!raw) return null
  const parsed = labDescriptionSchema.safeParse(JSON.parse(raw))
  if (!parsed.success) throw new Error(`KEYWARD_LAB is malformed: ${parsed.error.message}`)
  return parsed.data
}

/** Why readLabFromEnv() is null (for skip messages), or null when there is a lab. */
export function labUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.KEYWARD_LAB) return null
  return env.KEYWARD_LAB_UNAVAILABLE || 'KEYWARD_LAB is not set (run under tests/lab/with-lab.ts)'
}

/** True when KEYWARD_REQUIRE_LAB=1: tests must fail instead of skipping without a lab. */
export function labRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.KEYWARD_REQUIRE_LAB === '1'
}
