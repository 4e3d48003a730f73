// Electron entry: owns the app lifecycle and hands everything real to the core.
// Order matters and is tested against the built bundle (tests/integration/boot.test.ts):
//   before ready: read the launch, pick the user-data directory, open the log
//   file, register the keyward:// scheme, sandbox, single-instance lock;
//   at ready: electron/shell/start.ts (serve the renderer, harden the session,
//   create the core, IPC, tray, notifications, quit guard, then show the window
//   unless this is a login start on a desktop that has a tray host).
// Any failure on the way shows a native error dialog naming the log file.
import { app, dialog, protocol } from 'electron'
import { join } from 'node:path'
import { openLogFile } from './core/log-file.ts'
import { createLogger, teeSink, type Logger } from './core/log.ts'
import { readLaunch } from './shell/launch.ts'
import { RENDERER_PRIVILEGES, RENDERER_SCHEME } from './shell/renderer-protocol.ts'
import { startShell } from './shell/start.ts'

const launch = readLaunch({ env: process.env, argv: process.argv, isPackaged: app.isPackaged })
// Test mode: its own user data (settings, logs) and an in-memory vault (electron.md §6b).
if (launch.testUserData) app.setPath('userData', launch.testUserData)

const logFile = openLogFile({ dir: join(app.getPath('userData'), 'logs') })
const stderr = (line: string) => void process.stderr.write(line + '\n')
/** Until the core exists (it redacts the vault's secrets too), lines are redacted by field name only. */
let log: Logger = createLogger(teeSink(stderr, logFile.write))
for (const note of launch.notes) log.warn(note)
process.on('unhandledRejection', (reason) => log.error('unhandled promise rejection', { error: reason }))

let started = false
function fatal(error: unknown): void {
  log.error('Keyward could not start', { error })
  const message = error instanceof Error ? error.message : String(error)
  const detail = `${message}\n\nThe log file has the details:\n${logFile.path}`
  dialog.showErrorBox('Keyward could not start', detail)
  app.exit(1)
}
process.on('uncaughtException', (error) => {
  log.error('uncaught exception', { error })
  if (!started) fatal(error)
})

// Before `ready`, and only once (protocol docs; electron.md §4a).
protocol.registerSchemesAsPrivileged([{ scheme: RENDERER_SCHEME, privileges: RENDERER_PRIVILEGES }])
app.enableSandbox()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app
    .whenReady()
    .then(() => startShell({ launch, logFile, stderr, mainDir: import.meta.dirname, useLog: (l) => (log = l) }))
    .then(() => (started = true))
    .catch(fatal)
}
