// Protect facts a signed-in admin can read without a key: the bootstrap lists
// the NVR and its cameras (unifi-os.md §1 item 2; uiprotect data/nvr.py). An
// installed-but-empty Protect answers like a real one until you count (§6).
import { KeywardFailure } from '../../../shared/result.ts'
import { isObject } from './envelope.ts'
import type { ConsoleSession } from './session.ts'

export interface ProtectSummary {
  cameras: number
  version: string | null
  /** `nvr.mac`: must equal /api/system's MAC, or Protect is answering for another host. */
  nvrMac: string | null
}

export async function protectSummary(session: ConsoleSession): Promise<ProtectSummary> {
  const reply = await session.call('GET', '/proxy/protect/api/bootstrap')
  if (reply.status === 404)
    throw new KeywardFailure('not-found', `UniFi Protect is not installed on ${session.target.label}.`)
  if (reply.status !== 200 || !isObject(reply.body)) {
    throw new KeywardFailure(
      'bad-reply',
      `${session.target.label} did not return the Protect bootstrap (status ${reply.status}).`,
    )
  }
  const nvr = isObject(reply.body.nvr) ? reply.body.nvr : {}
  return {
    cameras: Array.isArray(reply.body.cameras) ? reply.body.cameras.length : 0,
    version: typeof nvr.version === 'string' ? nvr.version : null,
    nvrMac: typeof nvr.mac === 'string' ? nvr.mac.replace(/[^0-9a-f]/gi, '').toUpperCase() : null,
  }
}
