// Runs inside the lab's workstation namespace (spawned by
// tests/integration/uisp-lab.test.ts), everything through the core's contract
// (core.invoke): sign-in with and without 2FA, token create/verify/revoke, a
// short-lived token turning expiring then expired in the key watch, and the
// UISP key read from the server and checked for reachability. Prints one JSON line.
// argv: <uisp address> <short-lived uisp address> <totp secret>
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { verifyUispToken } from '../../electron/core/uisp/verify.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import type { KeyNotification, KeyView, UispTokenOutcome } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { UISP_ADMIN, UISP_OPERATOR } from '../simulators/uisp/state.ts'
import { totp } from '../simulators/uisp/totp.ts'

const [main, short, totpSecret] = process.argv.slice(2) as [string, string, string]
const dataDir = mkdtempSync(join(tmpdir(), 'keyward-uisp-'))
const vault = new MemorySecretStore()
// The watch's clock can be moved ahead past the notification throttle (60 s) instead of waiting it out.
let skew = 0
const core = createCore({
  dataDir,
  version: '0.1.0',
  vault,
  log: silentLogger,
  keyWatch: { now: () => Date.now() + skew },
})
const notifications: KeyNotification[] = []
core.subscribe('keys.notification', (n) => notifications.push(n as KeyNotification))

const invoke = async <T>(name: string, input: unknown): Promise<Outcome<T>> =>
  (await core.invoke(name, input)) as Outcome<T>
const value = async <T>(name: string, input: unknown): Promise<T> => {
  const outcome = await invoke<T>(name, input)
  if (!outcome.ok) throw new Error(`${name}: ${JSON.stringify(outcome.error)}`)
  return outcome.value
}
const errorOf = async (name: string, input: unknown) => {
  const outcome = await invoke(name, input)
  return outcome.ok ? null : outcome.error
}
const keyOf = (address: string) => (address.includes(':') ? address : `${address}:443`)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const statusOf = (list: Pick<KeyView, 'name' | 'status'>[], name: string) =>
  list.find((k) => k.name === name)?.status ?? null

try {
  const A = keyOf(main)
  const B = keyOf(short)
  const out: Record<string, unknown> = {}

  // Find and trust the server, then sign in without 2FA (the admin-role operator).
  out.probe = await value('uisp.probe', { address: main })
  out.unconfirmed = await errorOf('uisp.signIn', { key: A, ...UISP_OPERATOR }) // nothing sent before the user confirms
  await value('uisp.trust', { key: A, sha256: (out.probe as { certificate: { sha256: string } }).certificate.sha256 })
  out.probeAgain = (await value<{ trust: string }>('uisp.probe', { address: main })).trust
  out.wrongPassword = await errorOf('uisp.signIn', {
    key: A,
    username: UISP_OPERATOR.username,
    password: 'wrong-password',
  })
  out.plain = await value('uisp.signIn', { key: A, ...UISP_OPERATOR })
  await value('uisp.signOut', { key: A })

  // With 2FA (the superadmin): the code step, a wrong code, then the current one.
  out.mfa = await value('uisp.signIn', { key: A, ...UISP_ADMIN })
  const near = [-1, 0, 1].map((step) => totp(totpSecret, Date.now(), step))
  const wrong = ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c))!
  out.wrongCode = await errorOf('uisp.signIn', { key: A, ...UISP_ADMIN, mfaCode: wrong })
  out.twoFactor = await value('uisp.signIn', { key: A, ...UISP_ADMIN, mfaCode: totp(totpSecret, Date.now()) })
  out.plan = await value('uisp.plan', { key: A })

  // A monitoring token: least scope (guest), verified, watched, then revoked through the key list.
  const monitor = await value<UispTokenOutcome>('uisp.createToken', { key: A, purpose: 'monitor', name: 'ha-uisp' })
  const monitorKey = core.keys.list().find((k) => k.id === monitor.keyId)!
  const monitorSecret = (await vault.get(monitorKey.keyRef))!
  out.monitor = monitor
  out.monitorSecretInOutcome =
    JSON.stringify(monitor).includes(monitorSecret) ||
    JSON.stringify(await value('keys.list', {})).includes(monitorSecret)
  out.listedAfterCreate = (await value<{ id: string }[]>('uisp.listTokens', { key: A }))
    .map((t) => t.id)
    .includes(monitor.record.tokenId!)
  out.checked = statusOf(await value<KeyView[]>('keys.check', { ids: [monitor.keyId] }), 'ha-uisp')
  const target = {
    host: monitorKey.host!,
    port: Number(A.split(':').pop()),
    pin: (await value<{ key: string; certificateSha256: string }[]>('uisp.servers', {})).find((s) => s.key === A)!
      .certificateSha256,
    label: 'UISP',
  }
  await value('keys.revoke', { id: monitor.keyId })
  out.listedAfterRevoke = (await value<{ id: string }[]>('uisp.listTokens', { key: A }))
    .map((t) => t.id)
    .includes(monitor.record.tokenId!)
  out.keysAfterRevoke = core.keys.list().map((k) => k.name)
  out.revokedTokenCheck = await verifyUispToken({ target, token: monitorSecret, purpose: 'monitor', expiresAt: null })

  // A token to register devices: admin scope; revoked by id on the server, it leaves the key list.
  const register = await value<UispTokenOutcome>('uisp.createToken', {
    key: A,
    purpose: 'register-devices',
    name: 'keyward-register',
  })
  out.register = register
  // Rotation: a new token of the same scope, verified, the old one revoked on the server.
  const before = core.keys.list().find((k) => k.id === register.keyId)!
  const rotated = await value<{ keys: KeyView[]; oldKeyStillActive: boolean }>('keys.rotate', { id: register.keyId })
  const renewed = rotated.keys.find((k) => k.id === register.keyId)!
  const serverTokens = await value<{ id: string; scope: string }[]>('uisp.listTokens', { key: A })
  out.rotation = {
    oldKeyStillActive: rotated.oldKeyStillActive,
    newToken: renewed.remoteId !== before.remoteId && renewed.masked !== before.masked,
    oldGone: !serverTokens.some((t) => t.id === before.remoteId),
    newScope: serverTokens.find((t) => t.id === renewed.remoteId)?.scope ?? null,
    status: renewed.status,
    oldSecretKept: (await vault.get(before.keyRef)) !== null,
  }
  register.record.tokenId = renewed.remoteId
  out.revokeById = (
    await value<{ id: string }[]>('uisp.revokeToken', { key: A, tokenId: register.record.tokenId })
  ).map((t) => t.id)
  out.keysAfterRevokeById = core.keys.list().map((k) => k.name)

  // The UISP key: read from the server (admin scope), masked; reachable, certificate honoured.
  const fetched = await value<{ id: string; masked: string; option: string | null }>('uispKey.fromServer', { key: A })
  const keyText = (await vault.get(`uisp-key:${fetched.id}`))!
  out.fetched = fetched
  out.keyInViews = JSON.stringify(await value('uispKey.list', {})).includes(keyText.split('+')[1]!)
  out.keyCheck = await value('uispKey.check', { id: fetched.id })
  const bare = await value<{ id: string }>('uispKey.save', { text: keyText.split('+').slice(0, 2).join('+') })
  out.bareCheck = await value('uispKey.check', { id: bare.id })
  out.badKey = await errorOf('uispKey.save', { text: keyText.replace('wss://', 'ws://') })
  const display = await value<{ text: string }>('uispKey.registration', {
    id: fetched.id,
    device: { kind: 'edgeos', firmware: 'v2.0.9-hotfix.7' },
  })
  out.registration = display
  out.registrationHasKey = display.text.includes(keyText)
  const copied = await value<{ copied: boolean; secret?: string }>('uispKey.copyRegistration', {
    id: fetched.id,
    device: { kind: 'edgeos' },
  })
  out.copiedHasKey = copied.secret?.includes(`set service unms connection '${keyText}'`) ?? false
  await value('uisp.signOut', { key: A })

  // A server whose tokens live a few seconds: expiring at once (within the 7-day lead), then expired.
  const shortProbe = await value<{ certificate: { sha256: string } }>('uisp.probe', { address: short })
  await value('uisp.trust', { key: B, sha256: shortProbe.certificate.sha256 })
  await value('uisp.signIn', { key: B, ...UISP_OPERATOR })
  const brief = await value<UispTokenOutcome>('uisp.createToken', { key: B, purpose: 'monitor', name: 'brief' })
  out.brief = brief
  out.briefBefore = statusOf(core.keys.list(), 'brief')
  await sleep(Math.max(0, Date.parse(brief.record.expiresAt!) - Date.now() + 300))
  skew += 61_000
  const after = await value<KeyView[]>('keys.check', { ids: [brief.keyId] })
  out.briefAfter = statusOf(after, 'brief')
  out.briefProblem = after.find((k) => k.name === 'brief')?.lastCheck
  out.tray = await value('tray.model', {})
  out.notified = notifications.at(-1) ?? null

  console.log(JSON.stringify(out))
} finally {
  await core.close()
  rmSync(dataDir, { recursive: true, force: true })
}
