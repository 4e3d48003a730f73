// A Home Assistant that serves HTTPS itself announces (mDNS) an https `internal_url` on a host name,
// not on the address its packets come from (discovery.md §6, home-assistant.md §5). Keyward ignores
// the announced host but keeps https on the source address: `http://` there would find nothing, since
// HA's port speaks only TLS. Trust still comes from the certificate the user confirms on first contact.
import { afterAll, describe, expect, it } from 'vitest'
import type { HaSummary } from '../../shared/domain.ts'
import type { InventoryItem } from '../../shared/inventory.ts'
import type { KeywardError, Outcome } from '../../shared/result.ts'
import { ADMIN_TOKEN, startHomeAssistant } from '../simulators/home-assistant/testing.ts'
import { startAnnouncer, type Announcer } from '../simulators/ha/announce.ts'
import { makeCore } from '../support/core.ts'
import { loopbackDiscovery } from '../support/loopback-mdns.ts'

const cores: ReturnType<typeof makeCore>[] = []
const announcers: Announcer[] = []
afterAll(async () => {
  await Promise.all(announcers.map((a) => a.close()))
  for (const core of cores) {
    await core.close()
    core.dispose()
  }
})

const outcome = <T>(o: Outcome<unknown>): { value?: T; error?: KeywardError } =>
  o.ok ? { value: o.value as T } : { error: o.error }

describe('an HTTPS Home Assistant announcing its URL on a host name (discovery.md §6)', () => {
  it('is offered at https://<source>:<port>, which connects once the user confirms its certificate', async () => {
    const { mdnsPort, discovery } = await loopbackDiscovery()
    const core = makeCore({ discovery })
    cores.push(core)
    const uuid = '0ddba11c0ffee0ddba11c0ffee000043'
    const home = await startHomeAssistant({}, { https: true, host: '127.0.0.43' })
    const announcer = await startAnnouncer({
      port: mdnsPort,
      source: '127.0.0.43',
      instance: 'Home',
      uuid,
      url: `https://ha.example.test:${home.port}`,
      servicePort: home.port,
    })
    announcers.push(announcer)
    expect(outcome(await core.invoke('discovery.start', { interfaces: ['lo'] })).error).toBeUndefined()

    // Wait on the inventory (the announcer repeats until closed); the deadline is a hang guard only.
    let card: InventoryItem | undefined
    const deadline = Date.now() + 30_000
    while (!card) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the announcement')
      const listed = outcome<InventoryItem[]>(await core.invoke('inventory.list', {})).value ?? []
      card = listed.find((item) => item.id === `ha:${uuid}`)
      if (!card) await new Promise((r) => setTimeout(r, 50))
    }
    const url = `https://127.0.0.43:${home.port}`
    expect(card.homeAssistant).toMatchObject({ source: '127.0.0.43', connectUrl: url, urlIgnored: true })

    // First contact sends no token: the certificate is shown for the user to confirm.
    const first = outcome(await core.invoke('ha.connect', { url, token: ADMIN_TOKEN }))
    expect(first.error).toMatchObject({ code: 'certificate-unconfirmed', certificate: { sha256: home.sha256 } })
    expect(home.failedLogins).toBe(0)
    const connected = outcome<HaSummary>(
      await core.invoke('ha.connect', { url, token: ADMIN_TOKEN, sha256: home.sha256! }),
    )
    expect(connected.value).toMatchObject({ url, unencrypted: false })
    await core.invoke('discovery.stop', {})
  })
})
