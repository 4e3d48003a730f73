// `npm run demo`: the simulated lab (the discovery scenario: three consoles, one
// of them with Access too, thirty devices, a UISP server and Home Assistant, in
// Linux network namespaces; tests/lab/scenarios.ts demoScenario) with
// Keyward's browser host inside its workstation namespace, reachable from this
// computer's browser through a loopback-only forward. Nothing is sent to the
// real LAN. Ctrl-C tears everything down. It prints what a visitor needs: the
// link and every sign-in, two-factor codes included (scripts/demo-guide.ts).
//   --port N   the loopback port to open (default: a free one)
//   --code     print the UISP administrator's current two-factor code and exit
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { labSupport } from '../tests/lab/lab.ts'
import { spawnWithLab } from './with-lab.mjs'
import { demoGuide, uispCode, type DemoReady } from './demo-guide.ts'

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, code: { type: 'boolean', default: false } },
})
if (values.code) {
  const { code, secondsLeft } = uispCode()
  console.log(`${code}  (UISP two-factor code, valid for ${secondsLeft} more seconds)`)
  process.exit(0)
}

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
  scenario: 'demo',
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

createInterface({ input: lab.stdout! }).on('line', (line) => {
  const ready = /^demo-host ready (\{.*\})$/.exec(line)
  if (!ready) return void console.log(line)
  const info = JSON.parse(ready[1]!) as DemoReady
  forward = net.createServer((client) => {
    const inside = net.connect(socket)
    client.on('error', () => inside.destroy())
    inside.on('error', () => client.destroy())
    client.pipe(inside).pipe(client)
  })
  // The page is forwarded from this computer's loopback into the lab.
  forward.listen(port, '127.0.0.1', () => console.log(['', ...demoGuide(info), ''].join('\n')))
})
lab.on('exit', (code, signal) => {
  forward?.close()
  rmSync(work, { recursive: true, force: true })
  console.log(`demo: stopped${code && !stopping ? ` (the lab exited with ${code}${signal ? `, ${signal}` : ''})` : ''}`)
  process.exit(stopping ? 0 : (code ?? 1))
})
