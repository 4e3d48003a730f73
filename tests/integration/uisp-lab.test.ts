// UISP on the simulated LAN, through the core's contract from the workstation
// namespace (tests/support/uisp-flow.ts): sign-in with and without 2FA, token
// create/verify/revoke, a short-lived token turning expiring then expired in the
// key watch, and the UISP key read from the server and checked for reachability.
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labRequired } from '../lab/env.ts'
import { runFlow } from '../lab/flow.ts'
import { createLab, labSupport, type Lab } from '../lab/lab.ts'
import { ready } from '../lab/scenarios.ts'
import { UISP_TOTP_SECRET } from '../simulators/uisp/state.ts'

const support = labSupport()
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const UISP_MAIN = fileURLToPath(new URL('../simulators/uisp/main.ts', import.meta.url))
const title = support.ok ? 'UISP in the lab' : `UISP in the lab (skipped: ${support.reason})`
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe.skipIf(!support.ok && !labRequired())(title, () => {
  let lab: Lab
  const server = (host: string, args: string[]) =>
    ready(
      lab.spawn(
        host,
        process.execPath,
        ['--import', 'tsx', UISP_MAIN, '--host', lab.hosts[host]!.ip, '--port', '443', ...args],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        },
      ),
      `${host}: uisp simulator`,
    )

  beforeAll(async () => {
    if (!support.ok) throw new Error(`lab required but unavailable: ${support.reason}`)
    lab = await createLab({ hosts: [{ name: 'ws' }, { name: 'uisp' }, { name: 'brief' }] })
    // `uisp`: its superadmin signs in with 2FA, the admin-role operator without; `brief`: tokens live 6 s.
    await Promise.all([server('uisp', ['--two-factor']), server('brief', ['--token-lifetime', '6'])])
  }, 60_000)
  afterAll(async () => {
    await lab?.teardown()
  })

  it(
    'signs in with and without 2FA, makes, checks, rotates and revokes tokens, watches expiry, and reads and checks the UISP key',
    { timeout: 90_000 },
    async () => {
      const uisp = lab.hosts.uisp!.ip
      const brief = lab.hosts.brief!.ip
      const r = await runFlow(lab, 'ws', 'tests/support/uisp-flow.ts', [uisp, brief, UISP_TOTP_SECRET])

      // Finding and trusting the server; signing in.
      expect(r.probe).toMatchObject({
        address: { key: `${uisp}:443` },
        version: '2.4.155',
        trust: 'first-contact',
        certificate: { selfSigned: true },
      })
      // Before the user confirms the certificate the core sends no password (issue 14 §3).
      expect(r.unconfirmed).toMatchObject({
        code: 'certificate-unconfirmed',
        message: expect.stringMatching(/^Confirm this UISP server's certificate first/),
      })
      expect(r.probeAgain).toBe('matches')
      expect(r.wrongPassword).toMatchObject({
        code: 'invalid-credentials',
        message: expect.stringMatching(/did not accept that username and password/),
      })
      expect(r.plain).toEqual({ state: 'signed-in', user: { username: 'operator', role: 'admin' } })
      expect(r.mfa).toEqual({ state: 'mfa-required', methods: ['totp'] })
      expect(r.wrongCode).toMatchObject({
        code: 'invalid-credentials',
        message: expect.stringMatching(/two-factor code was not accepted/),
      })
      expect(r.twoFactor).toEqual({ state: 'signed-in', user: { username: 'uisp-admin', role: 'superadmin' } })
      // Least scope per purpose, explained.
      expect(r.plan.purposes.map((p: { purpose: string; scope: string }) => [p.purpose, p.scope])).toEqual([
        ['monitor', 'guest'],
        ['register-devices', 'admin'],
      ])

      // Create → verify → watch → revoke (DELETE on the server) → the token is refused.
      expect(r.monitor).toMatchObject({
        failure: null,
        record: { scope: 'guest', steps: { token: 'done', verify: 'done' } },
        check: { status: 'ok', app: 'uisp', scope: 'guest', expiry: 'never' },
      })
      expect(r.monitor.record.tokenId).toMatch(UUID_V4)
      expect(r.monitor.maskedToken).toMatch(/^[0-9a-f]{4}…[0-9a-f]{4}$/)
      expect(r.monitorSecretInOutcome).toBe(false)
      expect(r.listedAfterCreate).toBe(true)
      expect(r.checked).toBe('ok')
      expect(r.listedAfterRevoke).toBe(false)
      expect(r.keysAfterRevoke).toEqual([])
      expect(r.revokedTokenCheck).toMatchObject({ status: 'failed', problem: 'invalid_key' })
      expect(r.register).toMatchObject({
        failure: null,
        record: { scope: 'admin' },
        check: { status: 'ok', scope: 'admin' },
      })
      expect(r.rotation).toEqual({
        oldKeyStillActive: false,
        newToken: true,
        oldGone: true,
        newScope: 'admin',
        status: 'ok',
        oldSecretKept: false,
      })
      expect(r.revokeById).toEqual([])
      expect(r.keysAfterRevokeById).toEqual([])

      // The UISP key: masked (host and AES part obscured), reachable with its self-signed option, refused without.
      expect(r.fetched).toMatchObject({
        from: 'server',
        option: 'allowSelfSignedCertificate',
        masked: 'wss://••••••:443+••••••+allowSelfSignedCertificate',
      })
      expect(r.keyInViews).toBe(false)
      expect(r.keyCheck).toMatchObject({
        status: 'ok',
        host: `${uisp}:443`,
        appVersion: '2.4.155',
        trust: 'self-signed-allowed',
        matchesServer: true,
      })
      expect(r.bareCheck).toMatchObject({
        status: 'failed',
        problem: 'certificate_untrusted',
        message: expect.stringMatching(/self-signed certificate, but the key has no \+allowSelfSignedCertificate/),
      })
      expect(r.badKey).toMatchObject({ code: 'invalid-input', detail: 'wrong-scheme' })
      expect(r.registration.lines).toContain("set service unms connection '<UISP key>'")
      expect(r.registrationHasKey).toBe(false)
      expect(r.copiedHasKey).toBe(true)

      // Expiry: within the lead time at once, refused by the server once past, in the list, tray and a notification.
      expect(r.brief.check).toMatchObject({ status: 'ok', expiry: 'expiring' })
      expect(r.briefBefore).toBe('expiring')
      expect(r.briefAfter).toBe('expired')
      expect(r.briefProblem).toMatchObject({
        status: 'failed',
        problem: 'expired',
        message: expect.stringMatching(/^This UISP token expired on /),
      })
      expect(r.tray).toMatchObject({ icon: 'error', tooltip: 'Keyward — 1 key: 1 expired' })
      expect(r.notified).toMatchObject({ body: 'brief has expired.' })
    },
  )
})
