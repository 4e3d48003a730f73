// HA's view of each pushed key's entry, for the background checks (health.ts classifies one domain).
// Per HA: a hold or a refused token is said on each of its keys without asking HA (HA counts every
// refused token as a failed login, §4); an unreachable HA leaves the previous view in place.
import type { HaKeyHealth, HomeAssistantRecord, KeyRecord, UnifiApp } from '../../../shared/domain.ts'
import { KeywardFailure } from '../../../shared/result.ts'
import { HaHeldFailure } from './binding.ts'
import type { HomeAssistantClient } from './client.ts'
import { DOMAIN_FOR_APP } from './flows.ts'
import type { HaKeys } from './ha-keys.ts'
import { readHealth } from './health.ts'
import type { HaRegistry } from './registry.ts'
import type { CheckedSites, SiteReader } from './site-reader.ts'

export interface HealthReaderOptions {
  registry: HaRegistry
  keys: Pick<HaKeys, 'consoleRef'>
  sites: Pick<SiteReader, 'siteIdsOf'>
  list: () => HomeAssistantRecord[]
}

type Views = Map<string, HaKeyHealth>

/** The same error view on every key of one HA (nothing was asked of HA). */
function sayOnEach(out: Views, record: HomeAssistantRecord, keys: KeyRecord[], message: string): void {
  for (const k of keys)
    out.set(k.id, { haId: record.id, signal: 'error', keyProblem: false, message, checkedAt: new Date().toISOString() })
}

const refusedMessage = (record: HomeAssistantRecord) =>
  `Home Assistant at ${record.url} refused Keyward’s access token, so Keyward cannot see how it uses this key. Connect to it again with a new long-lived token; until then Keyward does not ask (HA counts every refusal as a failed login).`

export function createHealthReader({ registry, keys, sites, list }: HealthReaderOptions) {
  /** Reads each app's entries on one open HA and sets the view of each of its keys. */
  async function readApps(
    ha: HomeAssistantClient,
    record: HomeAssistantRecord,
    mine: KeyRecord[],
    out: Views,
    checked?: CheckedSites,
  ) {
    for (const app of [...new Set(mine.map((k) => k.app))]) {
      const ofApp = mine.filter((k) => k.app === app)
      const refs = [...new Map(ofApp.map((k) => [k.consoleKey, keys.consoleRef(k)])).values()]
      // The entry ids this HA answered the console's pushes with: the link when HA shows no device (§1.6).
      for (const ref of refs)
        ref.entryIds = ofApp.filter((k) => k.consoleKey === ref.key).flatMap((k) => k.haEntries?.[record.id] ?? [])
      // UniFi Network entries are found by the site UUIDs the key sees, read as HA reads them (§3.2).
      if (app === 'network')
        for (const ref of refs)
          ref.siteIds = await sites.siteIdsOf(
            ofApp.filter((k) => k.consoleKey === ref.key),
            checked,
          )
      const report = await readHealth(ha, DOMAIN_FOR_APP[app as UnifiApp], refs)
      for (const entry of report.consoles) {
        for (const k of ofApp.filter((x) => x.consoleKey === entry.consoleKey)) {
          out.set(k.id, {
            haId: record.id,
            signal: entry.signal,
            keyProblem: entry.keyProblem,
            message: entry.message,
            checkedAt: new Date().toISOString(),
          })
        }
      }
    }
  }

  async function readOne(
    record: HomeAssistantRecord,
    mine: KeyRecord[],
    out: Views,
    checked?: CheckedSites,
  ): Promise<void> {
    // One refusal per token and run: HA raises a notice for every failed login and may ban the address (§4).
    if (registry.tokenRefused(record.id)) return sayOnEach(out, record, mine, refusedMessage(record))
    let ha: HomeAssistantClient | null = null
    try {
      ha = await registry.open(record)
      registry.noteVersion(record, ha.haVersion)
      await readApps(ha, record, mine, out, checked)
    } catch (error) {
      if (error instanceof HaHeldFailure) {
        // Nothing was sent: say so on each key until the identity checks out or the user continues.
        const message = `Keyward paused its checks of Home Assistant at ${record.url}: ${error.hold.message}`
        sayOnEach(out, record, mine, message.slice(0, 600))
      } else if (error instanceof KeywardFailure && error.code === 'invalid-credentials') {
        registry.markTokenRefused(record.id)
        sayOnEach(out, record, mine, refusedMessage(record))
      }
      // HA unreachable: no new view this sweep.
    } finally {
      ha?.close()
    }
  }

  return {
    /** HA's view of each pushed key's entry; errors leave the previous view in place. */
    async health(pushed: KeyRecord[], checked?: CheckedSites): Promise<Views> {
      const out: Views = new Map()
      for (const record of list()) {
        const mine = pushed.filter((k) => k.pushedTo.includes(record.id) && k.app !== 'uisp')
        if (mine.length > 0) await readOne(record, mine, out, checked)
      }
      return out
    },
  }
}

export type HealthReader = ReturnType<typeof createHealthReader>
