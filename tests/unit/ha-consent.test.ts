// The consent rules as plain functions (homeassistant/consent.ts): which HA offers API-key-only
// mode, what the sentence says for http and https, and that a consent binds to one HA URL and user.
import { describe, expect, it } from 'vitest'
import {
  consentSentence,
  findConsent,
  offersApiKeyOnly,
  pushOptions,
  recordConsent,
} from '../../electron/core/homeassistant/consent.ts'
import type { HomeAssistantRecord, KeyRecord } from '../../shared/domain.ts'
import { keyRecord } from '../support/key-record.ts'

const ha: HomeAssistantRecord = {
  id: 'h1',
  url: 'https://ha.lan:8123',
  version: '2026.9.1',
  locationName: 'Home',
  tokenRef: 'ha-token:h1',
  addedAt: '2026-12-01T00:00:00.000Z',
}
const key: KeyRecord = keyRecord('k1', {
  name: 'ha',
  app: 'protect',
  consoleKey: '10.0.0.5:443',
  remoteId: 'r1',
  keyRef: 'key:k1',
  passwordRef: 'password:k1',
  masked: 'abcd…wxyz',
  createdAt: '2026-12-01T00:00:00.000Z',
})

describe('Home Assistant consent', () => {
  it.each([
    ['2026.9.0', true],
    ['2026.10.2', true],
    ['2027.1.0', true],
    ['2026.8.3', false],
    ['2025.12.1', false],
    [null, false],
    ['dev', false],
  ] as const)('HA %s offers API-key-only mode: %s', (version, expected) => {
    expect(offersApiKeyOnly(version)).toBe(expected)
  })

  it('names the user, the HA address and the scheme; plain http is called out', () => {
    const https = consentSentence({
      username: 'keyward-ha',
      consoleLabel: 'NVR (10.0.0.5)',
      haUrl: 'https://ha.lan:8123',
    })
    expect(https).toMatch(
      /^Send the password of “keyward-ha”, the dedicated local user of NVR \(10\.0\.0\.5\) \(a Super Admin there\), to Home Assistant at https:\/\/ha\.lan:8123 over https; .*plain text/,
    )
    const http = consentSentence({
      username: 'keyward-ha',
      consoleLabel: 'NVR (10.0.0.5)',
      haUrl: 'http://192.168.1.20:8123',
    })
    expect(http).toContain('over plain http (anyone on the network path can read it)')
  })

  it('records only the sentence shown now, and binds it to that HA URL and user', () => {
    const shown = pushOptions(key, ha, 'NVR (10.0.0.5)').consentSentence!
    expect(() => recordConsent(key, ha, 'NVR (10.0.0.5)', shown.replace('https', 'http'), new Date())).toThrow(
      /not what Keyward would send now/,
    )
    const agreed = recordConsent(key, ha, 'NVR (10.0.0.5)', shown, new Date('2026-12-02T10:00:00Z'))
    expect(findConsent(agreed, ha)).toMatchObject({
      haId: 'h1',
      haUrl: 'https://ha.lan:8123',
      username: 'keyward-ha',
      grantedAt: '2026-12-02T10:00:00.000Z',
      by: 'user',
    })
    expect(findConsent(agreed, { ...ha, url: 'http://ha.lan:8123' })).toBeNull()
    expect(findConsent({ ...agreed, username: 'someone-else' }, ha)).toBeNull()
    expect(pushOptions(agreed, ha, 'NVR (10.0.0.5)').needsConsent).toEqual({ api_key: false, full: false })
  })

  it('a key made as the signed-in admin has no password to send: no sentence, no full mode', () => {
    const adminKey = { ...key, passwordRef: null }
    expect(pushOptions(adminKey, ha, 'NVR')).toMatchObject({
      consentSentence: null,
      needsConsent: { api_key: false, full: null },
    })
    expect(() => recordConsent(adminKey, ha, 'NVR', 'anything', new Date())).toThrow(/no dedicated local user/)
  })
})
