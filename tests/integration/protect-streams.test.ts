// What Home Assistant needs from a Protect key besides meta/info: camera streams (issue 15).
// Since HA 2026.7 live video comes only from the public API's RTSPS streams (home-assistant.md
// §2.1, §2.5); the verify reads `GET /proxy/protect/integration/v1/cameras/{id}/rtsps-stream`
// for one camera (unifi-os.md §5.1). No active stream, 403, or 404 (older Protect) → the check is
// ok with a plain-words warning that HA's live view falls back to snapshots.
import { afterAll, describe, expect, it } from 'vitest'
import type { KeyCheck } from '../../shared/domain.ts'
import { mintKey } from '../../electron/core/unifi/keys.ts'
import { verifyKey } from '../../electron/core/unifi/verify.ts'
import { knownOf, ownerSession, startConsole } from '../support/consoles.ts'
import { makeCore } from '../support/core.ts'
import { provisionedKey } from '../support/provisioned-key.ts'

const cores: ReturnType<typeof makeCore>[] = []
afterAll(async () => {
  for (const core of cores.splice(0)) {
    await core.close()
    core.dispose()
  }
})

const SLIDESHOW = /live view will fall back to snapshots \(a slideshow\)\. The key itself works\./

describe('the Protect verify reads camera streams', () => {
  const knobs = [
    ['inactive', /No RTSPS stream is active for “Camera 1”/],
    ['null', /No RTSPS stream is active for “Camera 1”/],
    ['forbidden', /does not let this key read camera streams \(403\)/],
    ['absent', /does not offer camera streams through its public API \(404: an older Protect\)/],
  ] as const
  it.each(knobs)('streams %s → ok, with a warning that HA falls back to snapshots', async (streams, why) => {
    const nvr = await startConsole('unvr', { protect: { cameras: 2, streams } })
    const key = (await mintKey(await ownerSession(nvr), 'ha')).key
    const check = await verifyKey({ console: knownOf(nvr), app: 'protect', key })
    expect(check).toMatchObject({ status: 'ok', cameras: 2 })
    const warning = (check as Extract<KeyCheck, { status: 'ok' }>).warning
    expect(warning).toMatch(why)
    expect(warning).toMatch(SLIDESHOW)
  })

  it('active streams → ok without a warning', async () => {
    const nvr = await startConsole('unvr', { protect: { cameras: 2, streams: 'active' } })
    const key = (await mintKey(await ownerSession(nvr), 'ha')).key
    const check = await verifyKey({ console: knownOf(nvr), app: 'protect', key })
    expect(check).toMatchObject({ status: 'ok', cameras: 2 })
    expect(check).not.toHaveProperty('warning')
  })

  it('through the core: the wizard’s check and the key list carry the warning; the key is not failing', async () => {
    const core = makeCore()
    cores.push(core)
    const nvr = await startConsole('unvr', { protect: { cameras: 3, streams: 'inactive' } })
    const made = await provisionedKey(core, nvr, { keyName: 'ha' })
    expect(made.outcome).toMatchObject({
      failure: null,
      check: { status: 'ok', warning: expect.stringMatching(SLIDESHOW) },
    })
    const [key] = await core.keys.checkNow()
    expect(key).toMatchObject({ status: 'ok', lastCheck: { status: 'ok', message: expect.stringMatching(SLIDESHOW) } })
  })
})
