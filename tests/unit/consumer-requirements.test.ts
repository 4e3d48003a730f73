// Pure parts of issue 14 §4 and §6: the HA → minimum Protect table and who
// consumes a key (homeassistant/requirements.ts), and the one formatter for
// app names and console labels (shared/labels.ts).
import { describe, expect, it } from 'vitest'
import {
  HA_PROTECT_FLOORS,
  keyConsumers,
  minimumProtectFor,
  possibleConsumers,
  protectRequirement,
  protectWarning,
} from '../../electron/core/homeassistant/requirements.ts'
import type { HomeAssistantRecord } from '../../shared/domain.ts'
import { appName, appShort, consoleLabel, kindLabel, legacyNetworkExplanation } from '../../shared/labels.ts'

const ha = (id: string, version: string | null, locationName: string | null = 'Home'): HomeAssistantRecord => ({
  id,
  url: `http://${id}.lan:8123`,
  version,
  locationName,
  tokenRef: `ha-token:${id}`,
  addedAt: '2026-10-01T00:00:00Z',
})

describe('minimum Protect per Home Assistant release (home-assistant.md §2.1)', () => {
  it('follows the table, oldest first, each row with its source', () => {
    expect(HA_PROTECT_FLOORS.map((f) => [f.since, f.minimum])).toEqual([
      ['2025.8', '6.0.0'],
      ['2026.8', '7.1.0'],
      ['2026.9', '7.2.105'],
    ])
    expect(HA_PROTECT_FLOORS.every((f) => /PR #\d+/.test(f.source))).toBe(true)
    expect(minimumProtectFor('2025.7.4')).toBeNull()
    expect(minimumProtectFor('2025.8.0')).toBe('6.0.0')
    expect(minimumProtectFor('2026.7.2')).toBe('6.0.0')
    expect(minimumProtectFor('2026.8.3')).toBe('7.1.0')
    expect(minimumProtectFor('2026.9.0b4')).toBe('7.2.105')
    expect(minimumProtectFor('2026.11.1')).toBe('7.2.105')
    expect(minimumProtectFor('2027.1.0')).toBe('7.2.105')
    expect(minimumProtectFor('2026.90')).toBeNull()
    expect(minimumProtectFor(null)).toBeNull()
  })
})

describe('who consumes a key', () => {
  const old = ha('old', '2026.8.3')
  const now = ha('now', '2026.9.1')
  it('the Home Assistants it was pushed to, else the only one known, else nobody', () => {
    expect(keyConsumers([old, now], ['old']).map((c) => c.haId)).toEqual(['old'])
    expect(keyConsumers([old, now], ['old', 'now']).map((c) => c.haId)).toEqual(['old', 'now'])
    expect(keyConsumers([now], []).map((c) => c.haId)).toEqual(['now'])
    expect(keyConsumers([old, now], [])).toEqual([])
    expect(keyConsumers([old, now], ['forgotten'])).toEqual([])
    expect(keyConsumers([ha('x', null)], [])).toEqual([]) // version unknown: no known minimum
  })

  it('the strictest consumer sets the check, named', () => {
    expect(protectRequirement(keyConsumers([old, now], ['old', 'now']))).toEqual({
      minimumVersion: '7.2.105',
      minimumFor: 'Home Assistant 2026.9.1 (Home)',
    })
    expect(protectRequirement(keyConsumers([old], []))).toEqual({
      minimumVersion: '7.1.0',
      minimumFor: 'Home Assistant 2026.8.3 (Home)',
    })
    expect(protectRequirement([])).toBeNull()
  })

  it('the plan warns only about consumers that will refuse, and says the key still works', () => {
    const all = possibleConsumers([old, ha('now', '2026.9.1', null)])
    expect(protectWarning('7.2.105', 'NVR (10.0.0.5)', all)).toBeNull()
    expect(protectWarning(null, 'NVR (10.0.0.5)', all)).toBeNull()
    expect(protectWarning('7.1.60', 'NVR (10.0.0.5)', all)).toBe(
      'UniFi Protect on NVR (10.0.0.5) is version 7.1.60. Home Assistant 2026.9.1 (http://now.lan:8123) ' +
        'needs 7.2.105 or later: it will refuse this key until Protect is updated (UniFi OS → Settings → ' +
        'Updates). You can make the key now: it works, and Home Assistant accepts it once Protect is new enough.',
    )
    expect(protectWarning('6.0.53', 'NVR', all)).toMatch(
      /2026\.8\.3 \(Home\) needs 7\.1\.0 or later; Home Assistant 2026\.9\.1 .*: they will refuse/,
    )
  })
})

describe('one formatter for app names and console labels (issue 14 §4)', () => {
  it('names apps, never ids', () => {
    const apps = ['protect', 'network', 'access', 'uisp'] as const
    expect(apps.map(appName)).toEqual(['UniFi Protect', 'UniFi Network', 'UniFi Access', 'UISP'])
    expect(appShort('protect')).toBe('Protect')
  })

  it('names a console once: by name and host, or by its address alone', () => {
    expect(consoleLabel({ name: 'NVR', host: '10.0.0.5', port: 443 })).toBe('NVR (10.0.0.5)')
    expect(consoleLabel({ name: null, host: '10.0.0.5', port: 443 })).toBe('10.0.0.5')
    expect(consoleLabel({ name: '', host: '10.0.0.5' })).toBe('10.0.0.5')
    expect(consoleLabel({ name: null, host: '10.0.0.5', port: 11443 })).toBe('10.0.0.5:11443')
    expect(consoleLabel({ name: null, host: 'fd00::5', port: 11443 })).toBe('[fd00::5]:11443')
  })

  it('says what kind of host answered, and what the legacy app means for the user', () => {
    expect(kindLabel('unifi-os')).toBe('UniFi OS console')
    expect(kindLabel('unifi-os', 11443)).toMatch(/^UniFi OS Server/)
    expect(kindLabel('legacy-network')).toMatch(/retired; no local API keys/)
    expect(legacyNetworkExplanation('10.0.0.9:8443')).toMatch(
      /^10\.0\.0\.9:8443 is the self-hosted UniFi Network application/,
    )
  })
})
