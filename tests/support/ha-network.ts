// Shared by the Network-into-HA contract tests: a core connected to a fake HA and signed in to a console,
// minting Network keys as a dedicated user, and `ha.push` as the renderer calls it.
import { expect } from 'vitest'
import type { HaPushSummary, HaSummary, ProvisionOutcome } from '../../shared/domain.ts'
import type { Outcome } from '../../shared/result.ts'
import type { RunningConsole } from '../simulators/console/server.ts'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../simulators/console/presets.ts'
import type { RunningHomeAssistant } from '../simulators/home-assistant/server.ts'
import { ADMIN_TOKEN } from '../simulators/home-assistant/testing.ts'
import { makeCore } from './core.ts'
import { probeAndTrust } from './trust.ts'

export type Core = ReturnType<typeof makeCore>

export async function closeCores(cores: Core[]): Promise<void> {
  for (const core of cores.splice(0)) {
    await core.close()
    core.dispose()
  }
}

async function mint(core: Core, address: string, keyName: string) {
  const made = (await core.invoke('provision.run', {
    key: address,
    app: 'network',
    mode: 'dedicated-user',
    username: `kw-${keyName}`,
    keyName,
  })) as Outcome<ProvisionOutcome>
  if (!made.ok) throw new Error(made.error.message)
  expect(made.value.check).toMatchObject({ status: 'ok', app: 'network' })
  const key = core.keys.list().find((k) => k.name === keyName)!
  return { key, secret: (await core.vault.get(key.keyRef))! }
}

/** `setUp` makes a core (kept in `cores` for `closeCores`); `push` is `ha.push`. */
export function networkPushKit() {
  const cores: Core[] = []
  /** A core connected to `ha`, signed in to `sim` as its owner, with a fresh Network key made for HA. */
  async function setUp(sim: RunningConsole, ha: RunningHomeAssistant, keyName = 'ha-network') {
    const core = makeCore()
    cores.push(core)
    const connected = (await core.invoke('ha.connect', { url: ha.url, token: ADMIN_TOKEN })) as Outcome<HaSummary>
    if (!connected.ok) throw new Error(connected.error.message)
    const address = `127.0.0.1:${sim.port}`
    await probeAndTrust(core, address)
    await core.invoke('console.signIn', { key: address, username: OWNER_USERNAME, password: OWNER_PASSWORD })
    return { core, haId: connected.value.id, address, mint: () => mint(core, address, keyName) }
  }
  const push = (core: Core, input: { keyId: string; haId: string; siteId?: string }) =>
    core.invoke('ha.push', input) as Promise<Outcome<HaPushSummary>>
  return { cores, setUp, push }
}
