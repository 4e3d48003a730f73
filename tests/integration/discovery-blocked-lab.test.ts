// A computer that refuses discovery's requests (discovery.md §7: macOS 15+ Local Network Privacy
// fails LAN sends with EHOSTUNREACH until the user allows the app; a firewall does the same with
// EACCES/EPERM) must say so, not show an empty list as if the network had nothing. The lab host's
// routing refuses the typed address (`unreachable` → EHOSTUNREACH, `prohibit` → EACCES); discovery
// runs inside it (tests/bench/discovery-blocked.ts) with the platform knob set to macOS or Linux.
// Needs root + iproute2; skipped otherwise (fails instead when KEYWARD_REQUIRE_LAB=1).
import { once } from 'node:events'
import { text } from 'node:stream/consumers'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DiscoveryNotice } from '../../shared/inventory.ts'
import { labRequired } from '../lab/env.ts'
import { createLab, labSupport, listLeftovers, type Lab } from '../lab/lab.ts'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
const PROBE = fileURLToPath(new URL('../bench/discovery-blocked.ts', import.meta.url))

const support = labSupport()
const reason = support.ok ? null : support.reason
const title =
  reason === null
    ? 'refused sends'
    : `refused sends (${labRequired() ? 'REQUIRED but unavailable' : 'skipped'}: ${reason})`

// Without a lab the file is skipped, unless the lab is required: then setting up fails with the reason.
const inLab = support.ok || labRequired() ? describe : describe.skip
inLab(title, () => {
  let lab: Lab
  const run = async (command: string, args: string[]): Promise<string> => {
    const child = lab.spawn('ws', command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = once(child, 'exit')
    const [stdout, stderr] = await Promise.all([text(child.stdout!), text(child.stderr!)])
    expect((await exited)[0], stderr + stdout).toBe(0)
    return stdout
  }
  const probe = async (target: string, platform: string): Promise<DiscoveryNotice[]> => {
    const out = await run(process.execPath, ['--import', 'tsx', PROBE, '--target', target, '--platform', platform])
    return (JSON.parse(out) as { notices: DiscoveryNotice[] }).notices
  }

  beforeAll(async () => {
    if (reason !== null) throw new Error(reason)
    lab = await createLab({ hosts: [{ name: 'ws' }] })
    await run('ip', ['route', 'add', 'unreachable', '10.73.0.201/32'])
    await run('ip', ['route', 'add', 'prohibit', '10.73.0.202/32'])
  }, 60_000)

  afterAll(async () => {
    const id = lab?.id
    await lab?.teardown()
    if (id) expect(listLeftovers(id)).toEqual([])
  })

  it('on macOS, names the Local Network permission and where to allow it', async () => {
    const notices = await probe('10.73.0.201', 'darwin')
    const blocked = notices.filter((n) => n.code === 'send-blocked')
    expect(blocked).toHaveLength(1)
    expect(blocked[0]!.message).toMatch(/Privacy & Security → Local Network/)
  }, 60_000)

  it('elsewhere, says a firewall or routing rule refused the requests', async () => {
    const notices = await probe('10.73.0.202', 'linux')
    const blocked = notices.filter((n) => n.code === 'send-blocked')
    expect(blocked).toHaveLength(1)
    expect(blocked[0]!.message).toMatch(/firewall or routing rule.*EACCES/)
  }, 60_000)

  it('says nothing when the sends leave (a typed address that does not answer is not a refusal)', async () => {
    const notices = await probe('10.73.0.203', 'darwin')
    expect(notices.filter((n) => n.code === 'send-blocked')).toEqual([])
  }, 60_000)
})
