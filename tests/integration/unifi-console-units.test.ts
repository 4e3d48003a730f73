// The units behind the console service (electron/core/unifi/consoles.ts, sessions.ts, advice.ts,
// flows.ts), each on its own against simulated consoles: what the user sees at sign-in, in the
// plan and during a key run.
import type { ProvisionView } from '../../shared/views.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConsoleRecord, HomeAssistantRecord } from '../../shared/domain.ts'
import { createEventHub } from '../../electron/core/events.ts'
import { openSettings, type Settings } from '../../electron/core/settings/settings.ts'
import { hostAdvice, provisionPlan } from '../../electron/core/unifi/advice.ts'
import { ConsoleRecords } from '../../electron/core/unifi/consoles.ts'
import { keyFromFlow } from '../../electron/core/keys/from-flow.ts'
import { ProvisionFlows, type KeyReady } from '../../electron/core/unifi/flows.ts'
import { ConsoleSessions } from '../../electron/core/unifi/sessions.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import {
  LIMITED_PASSWORD,
  LIMITED_USERNAME,
  OWNER_PASSWORD,
  OWNER_USERNAME,
  type ConsoleOverrides,
  type PresetName,
} from '../simulators/console/presets.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { failureOf, startConsole } from '../support/consoles.ts'

const recordOf = (sim: RunningConsole, confirmed = true): ConsoleRecord => ({
  key: `127.0.0.1:${sim.port}`,
  host: '127.0.0.1',
  port: sim.port,
  kind: 'unifi-os',
  model: sim.config.model,
  name: sim.config.name,
  mac: sim.config.mac,
  apps: [...sim.config.apps],
  certificateSha256: sim.sha256,
  confirmed,
  lastSeen: '2026-12-01T09:00:00.000Z',
})

const offline = (key: string, extra: Partial<ConsoleRecord> = {}): ConsoleRecord => ({
  key,
  host: key.split(':')[0]!,
  port: Number(key.split(':')[1]),
  kind: 'unifi-os',
  model: 'UNVR',
  name: 'NVR',
  mac: null,
  apps: ['protect'],
  certificateSha256: Array(32).fill('AB').join(':'),
  confirmed: true,
  lastSeen: '2026-12-01T09:00:00.000Z',
  ...extra,
})

const ha = (version: string): HomeAssistantRecord => ({
  id: 'ha1',
  url: 'http://ha.local:8123',
  version,
  locationName: 'Home',
  tokenRef: 'ha:ha1',
  addedAt: '2026-12-01T09:00:00.000Z',
})

let dir: string
let settings: Settings
let consoles: ConsoleRecords
let sessions: ConsoleSessions
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-unifi-units-'))
  settings = openSettings({ cwd: dir, projectVersion: '1.0.0' })
  consoles = new ConsoleRecords(settings)
  sessions = new ConsoleSessions(consoles)
})
afterEach(async () => {
  await sessions.close()
  rmSync(dir, { recursive: true, force: true })
})

async function known(preset: PresetName, confirmed = true, overrides: ConsoleOverrides = {}) {
  const sim = await startConsole(preset, overrides)
  const record = recordOf(sim, confirmed)
  settings.upsertConsole(record)
  return { sim, record }
}

describe('console records (consoles.ts)', () => {
  it('names an unknown console, refuses the retired Network app and an unconfirmed certificate in words', () => {
    settings.upsertConsole(offline('10.0.0.9:8443', { kind: 'legacy-network', apps: ['network'], name: 'Controller' }))
    settings.upsertConsole(offline('10.0.0.7:443', { confirmed: false }))
    expect(() => consoles.get('10.0.0.1:443')).toThrow('Keyward does not know that console')
    expect(() => consoles.supported(consoles.get('10.0.0.9:8443'))).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    )
    expect(() => consoles.confirmed(consoles.get('10.0.0.7:443'))).toThrow(
      expect.objectContaining({ code: 'certificate-unconfirmed', message: expect.stringMatching(/sent nothing/) }),
    )
  })
})

describe('console sessions (sessions.ts)', () => {
  it('signs the owner in and counts the cameras its Protect holds; signing out asks for a new sign-in', async () => {
    const { sim, record } = await known('unvr')
    expect(() => sessions.admin(record.key)).toThrow(`Sign in to`)
    const result = await sessions.signIn({ key: record.key, username: OWNER_USERNAME, password: OWNER_PASSWORD })
    expect(result).toMatchObject({ state: 'signed-in', user: { username: OWNER_USERNAME } })
    expect(sessions.cameraCounts[record.key]).toBe(sim.config.protect.cameras)
    expect(sessions.protectVersion(record.key)).toBe('7.3.12')
    expect(sessions.admin(record.key).signedIn).toBe(true)
    await sessions.signOut(record.key)
    expect((await failureOf(Promise.resolve().then(() => sessions.admin(record.key)))).code).toBe('session-expired')
  })

  it('refuses an admin who may not make keys, and keeps no session for it', async () => {
    const { record } = await known('ckg2-plus')
    const refused = await failureOf(
      sessions.signIn({ key: record.key, username: LIMITED_USERNAME, password: LIMITED_PASSWORD }),
    )
    expect(refused.code).toBe('forbidden')
    expect(refused.message).toContain('not Owner or Super Admin')
    expect(() => sessions.admin(record.key)).toThrow('Sign in to')
  })

  it('lets a profile that states no rights sign in, and the console decide (unifi-os.md §2 [inferred])', async () => {
    const { record } = await known('ckg2-plus', true, { shapes: { loginProfile: 'minimal' } })
    const owner = await sessions.signIn({ key: record.key, username: OWNER_USERNAME, password: OWNER_PASSWORD })
    expect(owner).toMatchObject({ state: 'signed-in', user: { username: OWNER_USERNAME } })
    expect((await mintKey(sessions.admin(record.key), 'owner-key')).key).toBeTruthy()
    const limited = await sessions.signIn({ key: record.key, username: LIMITED_USERNAME, password: LIMITED_PASSWORD })
    expect(limited).toMatchObject({ state: 'signed-in' })
    const refused = await failureOf(mintKey(sessions.admin(record.key), 'limited-key'))
    expect(refused).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/only Owner or Super Admin/) })
  })

  it('sends no password to a console whose certificate is not confirmed', async () => {
    const { sim, record } = await known('unvr', false)
    const refused = await failureOf(
      sessions.signIn({ key: record.key, username: OWNER_USERNAME, password: OWNER_PASSWORD }),
    )
    expect(refused.code).toBe('certificate-unconfirmed')
    expect(sim.state.loginAttempts).toBe(0)
    expect(sim.state.handshakes).toEqual([])
  })
})

describe('advice (advice.ts)', () => {
  it('ranks the recorder with the cameras first and says why another pick is wrong', () => {
    const nvr = offline('10.0.0.2:443')
    const gateway = offline('10.0.0.1:443', { model: 'UDMPRO', name: 'Gateway', apps: ['network', 'protect'] })
    const advice = hostAdvice('protect', [gateway, nvr], { '10.0.0.2:443': 6, '10.0.0.1:443': 0 }, gateway.key)
    expect(advice.ranked.map((h) => [h.key, h.cameras])).toEqual([
      ['10.0.0.2:443', 6],
      ['10.0.0.1:443', 0],
    ])
    expect(advice.ranked[0]!.reason).toBe('Protect here has 6 cameras.')
    expect(advice.pickedWarning).toMatch(/NVR/)
  })

  it('warns before minting when a connected Home Assistant will refuse this Protect', () => {
    const plan = provisionPlan(offline('10.0.0.2:443'), 'protect', '6.0.53', [ha('2026.9.1')])
    expect(plan.warning).toContain('Home Assistant 2026.9.1 (Home) needs 7.2.105 or later')
    expect(provisionPlan(offline('10.0.0.2:443'), 'protect', '7.3.12', [ha('2026.9.1')]).warning).toBeNull()
  })

  it('plans an Access token a year long, kept in the keychain', () => {
    const plan = provisionPlan(offline('10.0.0.2:443', { apps: ['access'] }), 'access', null, [])
    expect(plan).toMatchObject({ mode: 'dedicated-user', username: 'keyward-access', accessValidityDays: 365 })
    expect(plan.secretLocation).toContain('the Access token go to this computer')
  })
})

describe('key flows (flows.ts)', () => {
  function makeFlows() {
    const hub = createEventHub()
    const progress: ProvisionView[] = []
    hub.subscribe('provision.progress', (r) => progress.push(r))
    const ready: KeyReady[] = []
    const vault = new MemorySecretStore()
    const flows = new ProvisionFlows({ settings, vault, hub, consoles, sessions, onKeyReady: (k) => ready.push(k) })
    return { flows, progress, ready, vault }
  }

  it('makes a key: progress for every step, and the key watch gets the masked key, never the secret', async () => {
    const { record } = await known('unvr')
    await sessions.signIn({ key: record.key, username: OWNER_USERNAME, password: OWNER_PASSWORD })
    const { flows, progress, ready, vault } = makeFlows()
    const outcome = await flows.provision({
      key: record.key,
      app: 'protect',
      mode: 'dedicated-user',
      username: 'keyward-protect',
      keyName: 'home-assistant-protect',
    })
    expect(outcome.failure).toBeNull()
    expect(outcome.check).toMatchObject({ status: 'ok' })
    const secret = await vault.get(outcome.record.keyRef)
    expect(secret).toBeTruthy()
    expect(ready).toHaveLength(1)
    expect(ready[0]).toMatchObject({ masked: outcome.maskedKey, check: { status: 'ok' } })
    // The key list's entry built from it (keys/from-flow.ts): masked, the dedicated user, its Super Admin role.
    expect(keyFromFlow(ready[0]!)).toMatchObject({
      consoleKey: record.key,
      masked: outcome.maskedKey,
      username: 'keyward-protect',
      passwordRef: outcome.record.passwordRef,
      access: { role: 'Super Admin' },
      lastCheck: { status: 'ok' },
    })
    expect(JSON.stringify([ready, keyFromFlow(ready[0]!)])).not.toContain(secret!)
    expect(progress.at(-1)?.steps.verify).toBe('done')
    expect(flows.list().map((r) => r.id)).toEqual([outcome.record.id])
  })

  it('refuses in words: no sign-in, an app the console does not run, a flow no longer on record', async () => {
    const { record } = await known('unvr')
    const { flows } = makeFlows()
    const input = {
      key: record.key,
      app: 'network' as const,
      mode: 'dedicated-user' as const,
      username: 'keyward-network',
      keyName: 'home-assistant-network',
    }
    expect((await failureOf(flows.provision(input))).code).toBe('session-expired')
    await sessions.signIn({ key: record.key, username: OWNER_USERNAME, password: OWNER_PASSWORD })
    const notHere = await failureOf(flows.provision(input))
    expect(notHere).toMatchObject({ code: 'not-found' })
    expect(notHere.message).toContain('does not run UniFi Network')
    expect(await failureOf(flows.resume('no-such-flow'))).toMatchObject({
      code: 'not-found',
      message: 'That key flow is no longer on record.',
    })
  })
})
