// The seed failure on a simulated LAN: Protect runs on a UNVR, the key was made
// on the UDM Pro next to it. The client, running in the workstation's namespace,
// must name the right console, and the guided path must end with a verified key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labRequired } from '../lab/env.ts'
import { runFlow } from '../lab/flow.ts'
import { createLab, labSupport, type Lab } from '../lab/lab.ts'

const support = labSupport()

const title = support.ok ? 'console client in the lab' : `console client in the lab (skipped: ${support.reason})`

describe.skipIf(!support.ok && !labRequired())(title, () => {
  let lab: Lab
  beforeAll(async () => {
    if (!support.ok) throw new Error(`lab required but unavailable: ${support.reason}`)
    lab = await createLab({ hosts: [{ name: 'ws' }, { name: 'udm' }, { name: 'unvr' }] })
    await Promise.all([lab.startConsole('udm', 'udm-pro'), lab.startConsole('unvr', 'unvr')])
  })
  afterAll(async () => {
    await lab?.teardown()
  })

  it('names the right console for a stray key and provisions a verified key on the UNVR', async () => {
    const result = await runFlow(lab, 'ws', 'tests/support/seed-flow.ts', [lab.hosts.udm!.ip, lab.hosts.unvr!.ip])

    expect(result.apps).toEqual({ udm: ['protect', 'network'], unvr: ['protect'] })
    expect(result.atNvr).toMatchObject({
      status: 'failed',
      problem: 'wrong_host',
      rightHost: { name: 'Dream Machine Pro' },
    })
    expect(result.atUdm).toMatchObject({ status: 'failed', problem: 'wrong_host', rightHost: { name: 'NVR' } })
    expect(result.ranked).toEqual(['NVR', 'Dream Machine Pro'])
    expect(result.wrongPick).toMatch(/cameras are most likely on NVR/)
    expect(result.steps).toEqual({ user: 'done', key: 'done', verify: 'done' })
    expect(result.check).toMatchObject({ status: 'ok', appVersion: '7.3.12', cameras: 6 })
  })
})
