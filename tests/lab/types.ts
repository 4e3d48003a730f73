// Plain-JSON description of a running lab, shared by lab.ts (producer) and env.ts
// (consumer inside the workstation namespace). Kept free of namespace/process code so
// test files running inside a namespace can import it cheaply.
import { z } from 'zod'

export const labHostSchema = z.object({
  name: z.string(),
  /** Network namespace name (`kw-<id>-<host>`). */
  ns: z.string(),
  ip: z.string(),
})

export const labConsoleSchema = z.object({
  /** Lab host the simulator runs in. */
  host: z.string(),
  ip: z.string(),
  preset: z.string(),
  url: z.string(),
  port: z.number(),
  sha256: z.string(),
  mac: z.string(),
  name: z.string(),
})

export const labDescriptionSchema = z.object({
  id: z.string(),
  subnet: z.string(),
  broadcast: z.string(),
  hosts: z.record(z.string(), labHostSchema),
  consoles: z.array(labConsoleSchema),
  /** Set by with-lab.ts: the host the command runs in. */
  workstation: z.string().optional(),
})

export type LabHost = z.infer<typeof labHostSchema>
export type LabConsole = z.infer<typeof labConsoleSchema>
export type LabDescription = z.infer<typeof labDescriptionSchema>
