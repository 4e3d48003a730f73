// Runs inside the lab's workstation namespace (started by scripts/demo.ts): the
// core with background checks and the browser host on the namespace's own
// loopback, plus a relay from a Unix socket (file-system sockets cross network
// namespaces) to it, so the demo's forwarder outside can reach the page.
// argv: --port P --socket PATH --data-dir DIR. Prints "demo-host ready <JSON>": the
// page's url and the lab's hosts and consoles (scripts/demo-guide.ts DemoReady).
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startBrowserHost } from '../electron/browser-host/server.ts'
import { createCore } from '../electron/core/index.ts'
import { MemorySecretStore } from '../electron/core/vault/secret-store.ts'
import { readLabFromEnv } from '../tests/lab/env.ts'
import type { DemoReady } from './demo-guide.ts'

const { values } = parseArgs({
  options: { port: { type: 'string' }, socket: { type: 'string' }, 'data-dir': { type: 'string' } },
})
const lab = readLabFromEnv()
if (!lab) {
  // Outside the lab, discovery would reach the real LAN: the demo never runs there.
  console.error('demo-host: not inside the simulated lab; refusing to start')
  process.exit(1)
}
const root = resolve(import.meta.dirname, '..')
// Demo keys live in memory only: trying flows never touches your real keychain.
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
// The subnet sweep is on, so discovery finds the lab's UISP server (it only answers HTTPS).
const core = createCore({
  dataDir: values['data-dir']!,
  version,
  vault: new MemorySecretStore(),
  discovery: { sweep: true },
})
// The page shows a demo banner (App.tsx): everything it talks to is the simulated lab.
core.desktop.set({ ...core.desktop.status(), demo: true })
const host = await startBrowserHost({ core, rendererDir: join(root, 'out/renderer'), port: Number(values.port) })
core.keys.start()

const relay = net.createServer((client) => {
  const upstream = net.connect(Number(values.port), '127.0.0.1')
  client.on('error', () => upstream.destroy())
  upstream.on('error', () => client.destroy())
  client.pipe(upstream).pipe(client)
})
const ready: DemoReady = { url: host.url, lab: { hosts: lab.hosts, consoles: lab.consoles } }
relay.listen(values.socket!, () => console.log(`demo-host ready ${JSON.stringify(ready)}`))

const stop = () => {
  relay.close()
  void Promise.all([host.close(), core.close()]).then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
