// Protect facts a signed-in admin can read without a key: the bootstrap lists
// the NVR and its cameras (unifi-os.md §1 item 2; uiprotect data/nvr.py). An
// installed-but-empty Protect answers like a real one until you count (§6).
import { KeywardFailure } from '../../../shared/result.ts'
import { z } from 'zod'
import { optionalText, parseReply } from './envelope.ts'
import type { ConsoleSession } from './session.ts'

export interface ProtectSummary {
  cameras: number
  version: string | null
  /** `nvr.mac`: must equal /api/system's MAC, or Protect is answering for another host. */
  nvrMac: string | null
}

/** The bootstrap's parts read here (uiprotect data/nvr.py); a missing or odd part reads as unknown. */
const bootstrap = z.looseObject({
  nvr: z.looseObject({ version: optionalText, mac: optionalText }).optional().catch(undefined),
  cameras: z.array(z.unknown()).optional().catch(undefined),
})

export async function protectSummary(session: ConsoleSession): Promise<ProtectSummary> {
  const reply = await session.call('GET', '/proxy/protect/api/bootstrap')
  if (reply.status === 404)
    throw new KeywardFailure('not-found', `UniFi Protect is not installed on ${session.target.label}.`)
  const unexpected = `${session.target.label} did not return the Protect bootstrap (status ${reply.status}).`
  if (reply.status !== 200) throw new KeywardFailure('bad-reply', unexpected)
  const { nvr, cameras } = parseReply(bootstrap, reply.body, unexpected)
  return {
    cameras: cameras?.length ?? 0,
    version: nvr?.version ?? null,
    nvrMac: nvr?.mac !== undefined ? nvr.mac.replace(/[^0-9a-f]/gi, '').toUpperCase() : null,
  }
}
