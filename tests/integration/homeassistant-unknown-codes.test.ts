// An independent Home Assistant (or a newer unifiprotect) may answer an abort reason or a form error key
// that home-assistant.md does not list (§1.2 result shapes; §2.3/§2.4 list the known ones). The user reads
// plain words; HA's raw code goes only into the failure's details.
import { describe, expect, it } from 'vitest'
import { HomeAssistantClient } from '../../electron/core/homeassistant/client.ts'
import { pushProtectKey } from '../../electron/core/homeassistant/flows.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import { UNKNOWN_ABORT_REASON, UNKNOWN_ERROR_KEY } from '../simulators/home-assistant/state.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { ownerSession, startConsole } from '../support/consoles.ts'
import { failureOf, namedRefOf } from '../support/ha-refs.ts'

async function pushAgainst(protectApiKeyStep: 'unknown-abort' | 'unknown-error') {
  const unvr = await startConsole('unvr')
  const key = (await mintKey(await ownerSession(unvr), 'ha')).key
  const ha = await startHomeAssistant({
    version: '2026.9.x',
    protectApiKeyStep,
    resolve: { 'nvr.test:443': `127.0.0.1:${unvr.port}` },
  })
  const client = await HomeAssistantClient.connect({ url: ha.url, token: ADMIN_TOKEN })
  try {
    return {
      ha,
      refused: await failureOf(pushProtectKey(client, { console: namedRefOf(unvr, 'nvr.test'), apiKey: key })),
    }
  } finally {
    client.close()
  }
}

describe('HA answers a code Keyward does not know (home-assistant.md §1.2)', () => {
  it('an unknown abort reason: plain words in the sentence, the reason only in the details', async () => {
    const { ha, refused } = await pushAgainst('unknown-abort')
    expect(refused.message).toMatch(/stopped the UniFi Protect setup for a reason Keyward does not know/)
    expect(refused.message).not.toContain(UNKNOWN_ABORT_REASON)
    expect(refused.detail).toContain(UNKNOWN_ABORT_REASON)
    expect(ha.entries('unifiprotect')).toHaveLength(0)
  })

  it('an unknown form error key: plain words in the sentence, the key only in the details', async () => {
    const { ha, refused } = await pushAgainst('unknown-error')
    expect(refused.message).toMatch(/refused the details for a reason Keyward does not know/)
    expect(refused.message).not.toContain(UNKNOWN_ERROR_KEY)
    expect(refused.message).not.toMatch(/\bbase\b/)
    expect(refused.detail).toContain(UNKNOWN_ERROR_KEY)
    expect(ha.entries('unifiprotect')).toHaveLength(0)
  })
})
