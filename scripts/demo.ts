// `npm run demo`: the simulated lab (discovery scenario: three consoles, thirty
// devices, a UISP server and Home Assistant, in Linux network namespaces) with
// Keyward's browser host inside its workstation namespace, reachable from this
// computer's browser through a loopback-only forward. Nothing is sent to the
// real LAN. Ctrl-C tears everything down.
//   --port N   the loopback port to open (default: a free one)
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { labSupport } from '../tests/lab/lab.ts'
import { spawnWithLab } from './with-lab.mjs'
import { OWNER_PASSWORD, OWNER_USERNAME } from '../tests/simulators/console/presets.ts'

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } })

const support = labSupport()
if (!support.ok) {
  console.error(`demo: the simulated lab needs Linux network namespaces (root): ${support.reason}`)
  process.exit(1)
}

/** A free port on this computer's loopback; the same number is used inside the lab (Host header). */
async function freePort(wanted: number): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(wanted, '127.0.0.1', ok))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((r) => server.close(r))
  return port
}

const port = await freePort(Number(values.port))
const work = mkdtempSync(join(tmpdir(), 'keyward-demo-'))
const socket = join(work, 'host.sock')
let forward: net.Server | null = null
let stopping = false
// with-lab.mjs forwards Ctrl-C / SIGTERM to the lab, which removes its namespaces, then exits.
const lab = spawnWithLab({
  scenario: 'discovery',
  command: [
    process.execPath,
    '--import',
    'tsx',
    'scripts/demo-host.ts',
    '--port',
    String(port),
    '--socket',
    socket,
    '--data-dir',
    join(work, 'data'),
  ],
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, KEYWARD_REQUIRE_LAB: '1' },
  onSignal: () => {
    stopping = true
    console.log('demo: stopping (tearing down the lab)…')
    forward?.close()
  },
})

lab.stdout!.setEncoding('utf8')
lab.stdout!.on('data', (text: string) => {
  const ready = /demo-host ready (\S+)/.exec(text)
  if (!ready) return void process.stdout.write(text)
  forward = net.createServer((client) => {
    const inside = net.connect(socket)
    client.on('error', () => inside.destroy())
    inside.on('error', () => client.destroy())
    client.pipe(inside).pipe(client)
  })
  forward.listen(port, '127.0.0.1', () => {
    console.log(`demo: the simulated lab is up. Open ${ready[1]}`)
    console.log(
      "demo: the page is forwarded from this computer's loopback into the lab; discovery and every console, UISP server and Home Assistant are simulated inside it. Ctrl-C stops.",
    )
    console.log(`demo: sign in to the simulated consoles as ${OWNER_USERNAME} / ${OWNER_PASSWORD}.`)
  })
})
lab.on('exit', (code, signal) => {
  forward?.close()
  rmSync(work, { recursive: true, force: true })
  console.log(`demo: stopped${code && !stopping ? ` (the lab exited with ${code}${signal ? `, ${signal}` : ''})` : ''}`)
  process.exit(stopping ? 0 : (code ?? 1))
})
