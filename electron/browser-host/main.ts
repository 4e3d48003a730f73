// `npm run start:browser`: the core plus the built renderer on loopback.
//   --port N        listen port (default: a free one)
//   --data-dir DIR  settings directory (default: the Electron app's, so both share it)
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { createCore } from '../core/index.ts'
import { watchNetwork } from '../core/keys/network-watch.ts'
import { startBrowserHost } from './server.ts'

function defaultDataDir(): string {
  // Mirrors Electron's app.getPath('userData') for productName "Keyward".
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Keyward')
  if (process.platform === 'win32') return join(process.env.APPDATA ?? homedir(), 'Keyward')
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Keyward')
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string' },
  },
})

const root = resolve(import.meta.dirname, '../..')
const core = createCore({
  dataDir: values['data-dir'] ?? defaultDataDir(),
  version: process.env.npm_package_version ?? '0.0.0',
})
const host = await startBrowserHost({
  core,
  rendererDir: join(root, 'out/renderer'),
  host: values.host,
  port: Number(values.port),
}).catch((error: Error) => {
  console.error(error.message)
  process.exit(2)
})

core.keys.start() // background checks, as in the app
const stopNetworkWatch = watchNetwork(() => core.keys.wake())

console.log(`Keyward browser host: open ${host.url}`)
console.log('The link carries a one-time session token; keep it to yourself. Ctrl-C stops.')

const stop = () => {
  stopNetworkWatch()
  void Promise.all([host.close(), core.close()]).then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
