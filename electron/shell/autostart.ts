// Start at login (opt-in). Electron's setLoginItemSettings covers macOS and
// Windows only; on Linux the XDG autostart entry is written by hand. Started
// at login, Keyward stays in the tray (`--hidden`) instead of opening a window.
import { app } from 'electron'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { HIDDEN_FLAG } from './launch.ts'

export { HIDDEN_FLAG }

function linuxEntry(): string {
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'autostart', 'keyward.desktop')
}

export function applyStartAtLogin(enabled: boolean): void {
  if (process.platform === 'linux') {
    const file = linuxEntry()
    if (!enabled) return void rmSync(file, { force: true })
    mkdirSync(join(file, '..'), { recursive: true })
    // APPIMAGE is the real path when running from an AppImage (execPath is inside its mount).
    const exec = process.env.APPIMAGE ?? process.execPath
    writeFileSync(
      file,
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Keyward',
        `Exec="${exec}" ${HIDDEN_FLAG}`,
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    )
    return
  }
  app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] })
}

/** True when this launch came from the login item: stay in the tray. */
export function startedAtLogin(): boolean {
  if (process.argv.includes(HIDDEN_FLAG)) return true
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true
}
