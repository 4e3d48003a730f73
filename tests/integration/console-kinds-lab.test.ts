// A typed bare host on a simulated LAN (issue 14 §4): a UniFi OS Server answers only
// on :11443 and a retired Network application only on :8443 (unifi-os.md §1 Ports).
// Keyward finds both, makes and verifies a key on the first, and explains the second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labRequired } from '../lab/env.ts'
import { runFlow } from '../lab/flow.ts'
import { createLab, labSupport, type Lab } from '../lab/lab.ts'

const support = labSupport()
const title = support.ok ? 'console kinds in the lab' : `console kinds in the lab (skipped: ${support.reason})`

describe.skipIf(!support.ok && !labRequired())(title, () => {
  let lab: Lab
  beforeAll(async () => {
    if (!support.ok) throw new Error(`lab required but unavailable: ${support.reason}`)
    lab = await createLab({ hosts: [{ name: 'ws' }, { name: 'uos' }, { name: 'legacy' }] })
    // Each on its preset's port: 11443 and 8443; nothing listens on 443.
    await Promise.all([lab.startConsole('uos', 'uos-server'), lab.startConsole('legacy', 'legacy-network')])
  })
  afterAll(async () => {
    await lab?.teardown()
  })

  it('finds UniFi OS Server on 11443 and makes a key there; names the legacy app on 8443 for what it is', async () => {
    const uosIp = lab.hosts.uos!.ip
    const legacyIp = lab.hosts.legacy!.ip
    const result = await runFlow(lab, 'ws', 'tests/support/console-kinds-flow.ts', [uosIp, legacyIp])
    expect(result.uos).toEqual({ key: `${uosIp}:11443`, kind: 'unifi-os', name: null, apps: ['network'] })
    expect(result.signedIn).toBe(true)
    expect(result.check).toMatchObject({ status: 'ok', app: 'network' })
    expect(result.legacy).toEqual({ key: `${legacyIp}:8443`, kind: 'legacy-network' })
    const explained = expect.stringMatching(/no local API keys/) as unknown
    expect(result.legacySignIn).toMatchObject({ code: 'unsupported', message: explained })
  })
})
