// One flow per console and user (electron/core/unifi/flow-lock.ts): what a user pressing "Create the
// key" twice, or a window reopened mid-run, gets.
import { describe, expect, it } from 'vitest'
import { FlowLock } from '../../electron/core/unifi/flow-lock.ts'
import { gate } from '../support/fake-api.ts'

const flow = (id: string, username = 'keyward-ha') => ({ id, consoleKey: '10.0.0.2:443', username })
const where = () => 'NVR'

describe('FlowLock', () => {
  it('a resume of the flow under way joins it: the work runs once and both callers get its outcome', async () => {
    const lock = new FlowLock()
    const release = gate<string>()
    let runs = 0
    const work = () => (runs++, release.promise)
    const first = lock.run(flow('f1'), 'Making a key', where, work)
    const joined = lock.run(flow('f1'), 'Making a key', where, work)
    release.open('verified')
    expect(await Promise.all([first, joined])).toEqual(['verified', 'verified'])
    expect(runs).toBe(1)
  })

  it('another flow, or a cleanup, for the same console and user is refused in words while one runs', async () => {
    const lock = new FlowLock()
    const release = gate<void>()
    const first = lock.run(flow('f1'), 'Making a key', where, () => release.promise)
    await expect(lock.run(flow('f2'), 'Making a key', where, async () => {})).rejects.toMatchObject({
      code: 'conflict',
      message: 'Making a key for keyward-ha is already under way on NVR.',
    })
    await expect(lock.run(flow('f1'), 'Removing what Keyward made', where, async () => {})).rejects.toMatchObject({
      code: 'conflict',
    })
    // Another user on the same console is not held up.
    await expect(lock.run(flow('f3', 'keyward-other'), 'Making a key', where, async () => 'ok')).resolves.toBe('ok')
    release.open()
    await first
  })

  it('once a run ends, failed or not, the next one starts', async () => {
    const lock = new FlowLock()
    await expect(
      lock.run(flow('f1'), 'Making a key', where, () => Promise.reject(new Error('no answer'))),
    ).rejects.toThrow('no answer')
    await expect(lock.run(flow('f2'), 'Making a key', where, async () => 'second')).resolves.toBe('second')
  })
})
