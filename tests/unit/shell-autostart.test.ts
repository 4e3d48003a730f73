// Start at login on Linux writes and removes an XDG autostart entry that
// launches Keyward into the tray; Electron is replaced by a recording fake.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'

const loginItems: unknown[] = []
vi.mock('electron', () => ({
  app: {
    setLoginItemSettings: (s: unknown) => loginItems.push(s),
    getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
  },
}))

const { applyStartAtLogin, startedAtLogin, HIDDEN_FLAG } = await import('../../electron/shell/autostart.ts')

describe.skipIf(process.platform !== 'linux')('start at login on Linux', () => {
  const config = mkdtempSync(join(tmpdir(), 'keyward-xdg-'))
  const previous = process.env.XDG_CONFIG_HOME
  process.env.XDG_CONFIG_HOME = config
  afterAll(() => {
    if (previous === undefined) delete process.env.XDG_CONFIG_HOME
    else process.env.XDG_CONFIG_HOME = previous
    rmSync(config, { recursive: true, force: true })
  })
  const entry = join(config, 'autostart', 'keyward.desktop')

  it('writes an autostart entry that starts hidden, and removes it again', () => {
    applyStartAtLogin(true)
    const text = readFileSync(entry, 'utf8')
    expect(text).toMatch(/^\[Desktop Entry\]/)
    expect(text).toContain(`Exec="${process.execPath}" ${HIDDEN_FLAG}`)
    applyStartAtLogin(false)
    expect(existsSync(entry)).toBe(false)
    expect(loginItems).toEqual([]) // Electron's API is not used on Linux (it does nothing there)
  })

  it('a launch with --hidden stays in the tray', () => {
    expect(startedAtLogin()).toBe(false)
    process.argv.push(HIDDEN_FLAG)
    try {
      expect(startedAtLogin()).toBe(true)
    } finally {
      process.argv.pop()
    }
  })
})
