// Faults of the machine itself, each in a child process so it cannot disturb
// the other tests: a locked keychain (a private gnome-keyring, locked over
// D-Bus with org.freedesktop.Secret.Service.Lock and unlocked with the login
// password) and a full disk under the settings file (a 128 KiB tmpfs in a
// private mount namespace). The children live in tests/support/faults/.
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../', import.meta.url))
const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
const node = [process.execPath, '--import', 'tsx']

const keyringTools = ['dbus-run-session', 'gnome-keyring-daemon', 'gdbus'].filter((t) => !has(t))
const canUnshare = (() => {
  if (process.platform !== 'linux' || !has('unshare')) return false
  try {
    execFileSync('unshare', ['-m', '--propagation', 'private', 'true'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe('the keychain is locked', () => {
  it.skipIf(keyringTools.length > 0)(
    `says keychain-unavailable with what to do, writes nothing elsewhere, and the flow resumes after unlocking${keyringTools.length ? ` [skipped: missing ${keyringTools.join(', ')}]` : ''}`,
    async () => {
      const { stdout } = await run(
        'bash',
        ['tests/support/with-keyring.sh', ...node, 'tests/support/faults/keychain-locked.ts'],
        { cwd: root, timeout: 60_000 },
      )
      const r = lastJson(stdout) as {
        lockedStatus: unknown
        run: unknown
        runMs: number
        usersWhileLocked: number
        keysWhileLocked: number
        filesWhileLocked: string[]
        settingsWhileLocked: string
        unlockedStatus: unknown
        resumed: unknown
        users: number
        keys: number
        storedMatches: boolean
        settingsHasSecret: boolean
      }
      const advice = /Your system keyring is locked\. Unlock it .* and try again\./
      expect(r.lockedStatus).toMatchObject({
        ok: true,
        value: { available: false, backend: 'Secret Service', problem: expect.stringMatching(advice) },
      })
      // The password goes to the keychain before the user is created: a locked keychain stops the flow first.
      expect(r.run).toMatchObject({
        ok: true,
        value: {
          failure: { step: 'user', code: 'keychain-unavailable', message: expect.stringMatching(advice) },
          record: { steps: { user: 'failed', key: 'pending' } },
        },
      })
      expect(r.runMs).toBeLessThan(6000)
      expect(r.usersWhileLocked).toBe(0)
      expect(r.keysWhileLocked).toBe(0)
      // Nothing written elsewhere: the data folder holds the settings file only, with metadata only.
      expect(r.filesWhileLocked).toEqual(['config.json'])
      expect(r.settingsWhileLocked).not.toMatch(/"password"|"secret"/i)
      // Unlocked: the same flow resumes to one user and one key, the key in the keychain only.
      expect(r.unlockedStatus).toMatchObject({ ok: true, value: { available: true, problem: null } })
      expect(r.resumed).toEqual({ failure: null, steps: { user: 'done', key: 'done', verify: 'done' }, check: 'ok' })
      expect([r.users, r.keys, r.storedMatches, r.settingsHasSecret]).toEqual([1, 1, true, false])
    },
    90_000,
  )
})

describe('the disk under the settings file is full', () => {
  it.skipIf(!canUnshare)(
    `refuses the write with settings-invalid, keeps the previous file intact, and works again when space is back${canUnshare ? '' : ' [skipped: needs unshare -m (root on Linux)]'}`,
    async () => {
      const mountPoint = mkdtempSync(join(tmpdir(), 'keyward-full-'))
      try {
        const script = `mount -t tmpfs -o size=128k,mode=0700 tmpfs "$1" && exec "$@" 2>&1`
        const { stdout } = await run(
          'unshare',
          [
            '-m',
            '--propagation',
            'private',
            'sh',
            '-c',
            script.replace(
              'exec "$@"',
              `exec ${node.map((a) => `'${a}'`).join(' ')} tests/support/faults/disk-full.ts "$1"`,
            ),
            'sh',
            mountPoint,
          ],
          { cwd: root, timeout: 60_000 },
        )
        const r = lastJson(stdout)
        const full = {
          ok: false,
          error: {
            code: 'settings-invalid',
            message:
              'Keyward could not write its settings file. Check that the disk is not full and the folder is writable.',
            detail: expect.stringMatching(/^ENOSPC/),
          },
        }
        expect(r.prefs).toEqual(full)
        expect(r.probe).toEqual(full)
        expect(r.intact).toBe(true)
        // What the app shows stays what the file says: the refused change is not half-applied.
        expect(r.prefsInMemory).toMatchObject({ ok: true, value: { checkIntervalMinutes: 30 } })
        expect(r.leftovers).toEqual([])
        expect([r.retriedPrefs, r.retriedProbe]).toEqual([true, true])
        expect(r.final).toEqual({ checkIntervalMinutes: 60, consoles: 1 })
        expect(r.tempFiles).toEqual([])
      } finally {
        rmdirSync(mountPoint)
      }
    },
    90_000,
  )
})
