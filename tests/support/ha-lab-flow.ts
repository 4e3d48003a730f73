// Runs inside the lab's workstation namespace (spawned by
// tests/integration/homeassistant-lab.test.ts): for each fake Home Assistant
// on its own lab host, through the core's contract: a wrong token, connect, a
// Protect key made by the provision flow on the NVR pushed twice, the key
// revoked on the console, the sweep, and a rotation that hands the new key to
// HA. 2026.8.x gets a full entry (dedicated user + key, after the user's consent), 2026.9.x an
// API-key-only one (a key minted as the signed-in admin, so no password to
// give): the two react differently to a revoked key (home-assistant.md §2.5).
// What HA saw is read from its test hook (control.ts).
// argv: <nvr address> <JSON [{version, url, controlUrl}]>; prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCore } from '../../electron/core/index.ts'
import { silentLogger } from '../../electron/core/log.ts'
import { revokeKey } from '../../electron/core/unifi/keys.ts'
import { ConsoleSession } from '../../electron/core/unifi/session.ts'
import { MemorySecretStore } from '../../electron/core/vault/secret-store.ts'
import type { HaSummary, KeyView, ProvisionOutcome } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import { haControl, type HaControlState } from '../simulators/home-assistant/control.ts'
import { ADMIN_TOKEN } from '../simulators/home-assistant/state.ts'
import { agreeToSendPassword } from './ha-consent.ts'
import { probeAndTrust } from './trust.ts'

const [nvr, list] = process.argv.slice(2) as [string, string]
const instances = JSON.parse(list) as { version: string; url: string; controlUrl: string }[]
const dataDir = mkdtempSync(join(tmpdir(), 'keyward-ha-lab-'))
const vault = new MemorySecretStore()
const core = createCore({ dataDir, version: '0.1.0', vault, log: silentLogger })
const consoleKey = `${nvr}:443`

const unwrap = <T>(outcome: Outcome<unknown>, what: string): T => {
  if (!outcome.ok) throw new Error(`${what}: ${JSON.stringify(outcome.error)}`)
  return outcome.value as T
}
const view = (state: HaControlState) =>
  state.entries
    .filter((e) => e.domain === 'unifiprotect')
    .map((e) => ({
      state: e.state,
      reason: e.reason,
      host: e.data.host,
      username: e.data.username,
      apiKey: e.data.api_key,
    }))
const health = (k: Pick<KeyView, 'status' | 'lastCheck' | 'haHealth'> | undefined) => ({
  status: k?.status,
  problem: k?.lastCheck?.problem ?? null,
  ha: k?.haHealth ?? null,
})

try {
  unwrap(await probeAndTrust(core, nvr), 'probe')
  unwrap(
    await core.invoke('console.signIn', { key: consoleKey, username: OWNER_USERNAME, password: OWNER_PASSWORD }),
    'sign in',
  )
  const results: Record<string, unknown> = {}
  for (const ha of instances) {
    const control = haControl(ha.controlUrl)
    const short = ha.version.replace(/^2026\.(\d+)\.x$/, '$1')
    const r: Record<string, unknown> = {}
    results[ha.version] = r

    // A token HA does not know: one request, then Keyward stops.
    const wrong = await core.invoke('ha.connect', { url: ha.url, token: 'not-a-token-of-this-home-assistant' })
    let seen = await control.state()
    r.wrongToken = {
      outcome: wrong.ok ? 'ok' : wrong.error.code,
      failedLogins: seen.failedLogins,
      requests: seen.requests.map((q) => `${q.method} ${q.path} ${q.status}`),
    }

    const connected = unwrap<HaSummary>(await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN }), 'connect')
    r.connected = { version: connected.version, locationName: connected.locationName }

    // A fresh key from the provision flow on the console that runs Protect.
    const mode = ha.version === '2026.8.x' ? 'dedicated-user' : 'signed-in-admin'
    const made = unwrap<ProvisionOutcome>(
      await core.invoke('provision.run', {
        key: consoleKey,
        app: 'protect',
        mode,
        username: `keyward-ha${short}`,
        keyName: `home-assistant-${short}`,
      }),
      'provision',
    )
    const keyOf = () => core.keys.list().find((k) => k.name === `home-assistant-${short}`)!
    const key = keyOf()
    const secret = (await vault.get(key.keyRef))!
    r.minted = { check: made.check?.status, user: key.username, mode }
    // HA 2026.8's form requires the dedicated user's password: the user agrees first (consent.ts).
    if (ha.version === '2026.8.x') await agreeToSendPassword(core, key.id, connected.id)

    const first = unwrap<{ outcome: string; entryState: string | null }>(
      await core.invoke('ha.push', { keyId: key.id, haId: connected.id }),
      'push 1',
    )
    const second = unwrap<{ outcome: string; entryState: string | null }>(
      await core.invoke('ha.push', { keyId: key.id, haId: connected.id }),
      'push 2',
    )
    seen = await control.state()
    r.pushes = [first.outcome, first.entryState, second.outcome, second.entryState]
    r.afterPushes = view(seen).map((e) => ({ ...e, apiKeyIsTheKey: e.apiKey === secret, apiKey: undefined }))
    r.sweepBefore = health((await core.keys.checkNow()).find((k) => k.id === key.id))

    // The owner revokes the key on the console; HA's next update of the entry fails.
    const owner = new ConsoleSession({
      host: nvr,
      port: 443,
      pin: core.settings.listConsoles().find((c) => c.host === nvr)!.certificateSha256,
      label: 'NVR',
    })
    await owner.login({ username: OWNER_USERNAME, password: OWNER_PASSWORD })
    await revokeKey(owner, key.remoteId!)
    await owner.logout()
    await control.refresh()
    seen = await control.state()
    r.haAfterRevoke = {
      entries: view(seen).map(({ state, reason }) => ({ state, reason })),
      flows: seen.flows.map((f) => f.source),
      issues: seen.issues.map((i) => i.translation_key),
    }
    const reauthFlow = seen.flows.find((f) => f.source === 'reauth')?.flow_id ?? null
    r.sweepRevoked = health((await core.keys.checkNow()).find((k) => k.id === key.id))

    // Rotation: new key, verified, handed to HA (its pending reauth, or a reconfigure), then the old one revoked.
    const flowsStarted = (state: HaControlState) =>
      state.requests.filter((q) => q.method === 'POST' && q.path === '/api/config/config_entries/flow').length
    const startedBefore = flowsStarted(seen)
    const rotated = unwrap<{ oldKeyStillActive: boolean }>(await core.invoke('keys.rotate', { id: key.id }), 'rotate')
    const newSecret = (await vault.get(keyOf().keyRef))!
    seen = await control.state()
    r.rotated = {
      oldKeyStillActive: rotated.oldKeyStillActive,
      newKey: newSecret !== secret,
      entries: view(seen).map((e) => ({ state: e.state, apiKeyIsNewKey: e.apiKey === newSecret })),
      flows: seen.flows.length,
      issues: seen.issues.length,
      reauthFinished:
        reauthFlow !== null &&
        seen.requests.some(
          (q) => q.method === 'POST' && q.path === `/api/config/config_entries/flow/${reauthFlow}` && q.status === 200,
        ),
      newFlowsStarted: flowsStarted(seen) - startedBefore,
    }
    r.sweepAfter = health((await core.keys.checkNow()).find((k) => k.id === key.id))
  }
  console.log(JSON.stringify(results))
} finally {
  await core.close()
  rmSync(dataDir, { recursive: true, force: true })
}
