// Background checks on the simulated LAN: 5 keys on 3 consoles; one revoked on
// its console, an Access token expiring, a console whose link goes down → after
// the next sweep failing / expired / unknown, said by the tray model and a
// notification; the recovery is reported when the link comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labRequired } from '../lab/env.ts'
import { runFlow } from '../lab/flow.ts'
import { createLab, labSupport, type Lab } from '../lab/lab.ts'

const support = labSupport()
const title = support.ok ? 'key checks in the lab' : `key checks in the lab (skipped: ${support.reason})`

describe.skipIf(!support.ok && !labRequired())(title, () => {
  let lab: Lab
  beforeAll(async () => {
    if (!support.ok) throw new Error(`lab required but unavailable: ${support.reason}`)
    lab = await createLab({ hosts: [{ name: 'ws' }, { name: 'nvr' }, { name: 'udm' }, { name: 'se' }] })
    await Promise.all([
      lab.startConsole('nvr', 'unvr'),
      lab.startConsole('udm', 'udm-pro', {
        set: ['apps=["network","protect","access"]', 'access.validityPeriodUnit=seconds'],
      }),
      lab.startConsole('se', 'udm-se'),
    ])
  })
  afterAll(async () => {
    await lab?.teardown()
  })

  it('reports revoked, expired and unreachable keys, then the recovery', { timeout: 90_000 }, async () => {
    const args = [lab.hosts.nvr!.ip, lab.hosts.udm!.ip, lab.hosts.se!.ip, lab.hosts.se!.ns]
    const r = await runFlow(lab, 'ws', 'tests/support/watch-flow.ts', args)

    const allOk = { 'ha-protect': 'ok', frigate: 'ok', 'ha-network': 'ok', 'ha-access': 'ok', 'nvr-backup': 'ok' }
    expect(r.before).toEqual(allOk)
    expect(r.during).toEqual({
      'ha-protect': 'ok',
      frigate: 'failing',
      'ha-network': 'ok',
      'ha-access': 'expired',
      'nvr-backup': 'unknown',
    })
    expect(r.problems).toMatchObject({ frigate: 'invalid_key', 'nvr-backup': 'unreachable' })
    expect(r.trayDuring).toMatchObject({
      icon: 'error',
      tooltip: 'Keyward — 5 keys: 1 failing, 1 expired, 1 not checked yet',
    })
    expect(r.notified).toMatchObject({ body: 'frigate stopped working. ha-access has expired.' })
    expect(r.after).toMatchObject({ 'nvr-backup': 'ok' })
    expect(r.recovered).toMatchObject({ title: 'Keyward: key recovered', body: 'nvr-backup works again.' })
  })
})
