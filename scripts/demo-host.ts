// Runs inside the lab's workstation namespace (started by scripts/demo.ts): the
// core with background checks and the browser host on the namespace's own
// loopback, plus a relay from a Unix socket (file-system sockets cross network
// namespaces) to it, so the demo's forwarder outside can reach the page.
// argv: --port P --socket PATH --data-dir DIR. Prints "demo-host ready <url>".
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startBrowserHost } from '../electron/browser-host/server.ts'
import { createCore } from '../electron/core/index.ts'
import { MemorySecretStore } from '../electron/core/vault/secret-store.ts'

const { values } = parseArgs({
  options: { port: { type: 'string' }, socket: { type: 'string' }, 'data-dir': { type: 'string' } },
})
if (!process.env.KEYWARD_LAB) {
  // Outside the lab, discovery would reach the real LAN: the demo never runs there.
  console.error('demo-host: not inside the simulated lab; refusing to start')
  process.exit(1)
}
const root = resolve(import.meta.dirname, '..')
// Demo keys live in memory only: trying flows never touches your real keychain.
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
const core = createCore({ dataDir: values['data-dir']!, version, vault: new MemorySecretStore() })
const host = await startBrowserHost({ core, rendererDir: join(root, 'out/renderer'), port: Number(values.port) })
core.keys.start()

const relay = net.createServer((client) => {
  const upstream = net.connect(Number(values.port), '127.0.0.1')
  client.on('error', () => upstream.destroy())
  upstream.on('error', () => client.destroy())
  client.pipe(upstream).pipe(client)
})
relay.listen(values.socket!, () => console.log(`demo-host ready ${host.url}`))

const stop = () => {
  relay.close()
  void Promise.all([host.close(), core.close()]).then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
