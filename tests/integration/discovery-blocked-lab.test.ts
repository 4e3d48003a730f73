// A computer that refuses discovery's requests (discovery.md §7: macOS 15+ Local Network Privacy
// fails LAN sends with EHOSTUNREACH until the user allows the app; a firewall does the same with
// EACCES/EPERM) must say so, not show an empty list as if the network had nothing. The lab host's
// routing refuses the typed address (`unreachable` → EHOSTUNREACH, `prohibit` → EACCES); discovery
// runs inside it (tests/bench/discovery-blocked.ts) with the platform knob set to macOS or Linux.
// Needs root + iproute2; skipped otherwise (fails instead when KEYWARD_REQUIRE_LAB=1).
import { type ChildProcess } from 'node:child_process'
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

function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c))
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

describe.skipIf(reason !== null && !labRequired())(title, () => {
  if (reason !== null) {
    it('is required (KEYWARD_REQUIRE_LAB=1) but unavailable', () => {
      throw new Error(reason)
    })
    return
  }
  let lab: Lab
  const run = async (command: string, args: string[]) => {
    const r = await output(lab.spawn('ws', command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }))
    expect(r.code, r.stderr + r.stdout).toBe(0)
    return r.stdout
  }
  const probe = async (target: string, platform: string): Promise<DiscoveryNotice[]> => {
    const out = await run(process.execPath, ['--import', 'tsx', PROBE, '--target', target, '--platform', platform])
    return (JSON.parse(out) as { notices: DiscoveryNotice[] }).notices
  }

  beforeAll(async () => {
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
