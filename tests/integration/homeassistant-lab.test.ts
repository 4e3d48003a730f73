// Home Assistant on the simulated LAN: two fake HAs (2026.8.x: unifiprotect's
// first step is a form; 2026.9.x: a menu) on their own lab hosts, announced over
// mDNS, reaching the UNVR over the lab LAN. From the workstation namespace,
// through the core's contract: a wrong token costs one request; a key made by
// the provision flow is pushed (loaded), pushed again (reconfigured, still one
// entry), revoked on the console, then rotated.
//
// home-assistant.md §2.5, as real HA does it: a full entry (2026.8.x here, with
// the dedicated user) keeps running when only its key is revoked — public-API
// failures are logged at debug — so only Keyward's own check sees it, and the
// rotation reconfigures the entry. An API-key-only entry (2026.9.x here) fails
// setup and asks for reauth: the sweep says HA cannot use the key, and the
// rotation finishes HA's pending reauth flow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labRequired } from '../lab/env.ts'
import { runFlow } from '../lab/flow.ts'
import { createLab, labSupport, type Lab } from '../lab/lab.ts'
import { startLabHomeAssistant, type LabHomeAssistant } from '../lab/scenarios.ts'

const support = labSupport()
const title = support.ok ? 'Home Assistant in the lab' : `Home Assistant in the lab (skipped: ${support.reason})`

describe.skipIf(!support.ok && !labRequired())(title, () => {
  let lab: Lab
  let has: LabHomeAssistant[]
  beforeAll(async () => {
    if (!support.ok) throw new Error(`lab required but unavailable: ${support.reason}`)
    lab = await createLab({ hosts: [{ name: 'ws' }, { name: 'nvr' }, { name: 'ha8' }, { name: 'ha9' }] })
    const config = {}
    ;[, ...has] = await Promise.all([
      lab.startConsole('nvr', 'unvr'),
      startLabHomeAssistant(lab, 'ha8', {
        version: '2026.8.x',
        config,
        instance: { name: 'Home8', uuid: '8a8a8a8a8a8a48c6a5d4e3f2a1b0c9d8' },
      }),
      startLabHomeAssistant(lab, 'ha9', {
        version: '2026.9.x',
        config,
        instance: { name: 'Home9', uuid: '9b9b9b9b9b9b48c6a5d4e3f2a1b0c9d8' },
      }),
    ])
  }, 60_000)
  afterAll(async () => {
    await lab?.teardown()
  })

  it(
    'pushes and reconfigures in both versions; a revoked key fails an API-key entry in HA, and rotation fixes it through the pending reauth',
    { timeout: 120_000 },
    async () => {
      const instances = has.map(({ version, url, controlUrl }) => ({ version, url, controlUrl }))
      const results = await runFlow(lab, 'ws', 'tests/support/ha-lab-flow.ts', [
        lab.hosts.nvr!.ip,
        JSON.stringify(instances),
      ])
      const nvr = lab.hosts.nvr!.ip

      for (const ha of has) {
        const r = results[ha.version]
        // A wrong token: exactly one request reached HA, and it was refused.
        expect(r.wrongToken).toEqual({
          outcome: 'invalid-credentials',
          failedLogins: 1,
          requests: ['GET /api/discovery_info 404', 'GET /api/onboarding 200', 'GET /api/ 401'],
        }) // the token-free identity and onboarding probes (home-assistant.md §5), then one refused token
        expect(r.connected).toEqual({
          version: ha.haVersion,
          locationName: ha.version === '2026.8.x' ? 'Home8' : 'Home9',
        })
        expect(r.minted).toMatchObject({ check: 'ok' })

        const full = ha.version === '2026.8.x'
        expect(r.minted.mode).toBe(full ? 'dedicated-user' : 'signed-in-admin')

        // Pushed, then pushed again: one entry, loaded, holding the key (and, in full mode, the dedicated user).
        expect(r.pushes).toEqual(['created', 'loaded', 'reconfigured', 'loaded'])
        expect(r.afterPushes).toEqual([
          {
            state: 'loaded',
            reason: null,
            host: nvr,
            ...(full ? { username: r.minted.user } : {}),
            apiKeyIsTheKey: true,
          },
        ])
        expect(r.sweepBefore).toMatchObject({ status: 'ok', ha: { signal: 'ok', keyProblem: false } })

        if (full) {
          // Revoked: the full entry stays loaded (HA cannot tell); Keyward's own check says the key is refused.
          expect(r.haAfterRevoke).toEqual({ entries: [{ state: 'loaded', reason: null }], flows: [], issues: [] })
          expect(r.sweepRevoked).toMatchObject({
            status: 'failing',
            problem: 'invalid_key',
            ha: { signal: 'ok', keyProblem: false },
          })
          // Rotation reconfigures the entry with the new key (one new flow; nothing was pending).
          expect(r.rotated).toEqual({
            oldKeyStillActive: false,
            newKey: true,
            entries: [{ state: 'loaded', apiKeyIsNewKey: true }],
            flows: 0,
            issues: 0,
            reauthFinished: false,
            newFlowsStarted: 1,
          })
        } else {
          // Revoked: the API-key entry fails and waits for reauth; the sweep says HA cannot use the key.
          expect(r.haAfterRevoke).toEqual({
            entries: [{ state: 'setup_error', reason: 'could not authenticate' }],
            flows: ['reauth'],
            issues: ['config_entry_reauth'],
          })
          expect(r.sweepRevoked).toMatchObject({
            status: 'failing',
            problem: 'invalid_key',
            ha: {
              signal: 'key_rejected',
              keyProblem: true,
              message: expect.stringMatching(/^Home Assistant cannot use the key for NVR/),
            },
          })
          // Rotation: through the pending reauth (no new flow), loaded with the new key, repair gone.
          expect(r.rotated).toEqual({
            oldKeyStillActive: false,
            newKey: true,
            entries: [{ state: 'loaded', apiKeyIsNewKey: true }],
            flows: 0,
            issues: 0,
            reauthFinished: true,
            newFlowsStarted: 0,
          })
        }
        expect(r.sweepAfter).toMatchObject({ status: 'ok', ha: { signal: 'ok', keyProblem: false } })
      }
    },
  )
})
