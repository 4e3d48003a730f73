// CLI: run one fake Home Assistant (loopback tests, or a lab host advertised over mDNS:
// tests/lab/scenarios.ts startLabHomeAssistant).
//   tsx tests/simulators/home-assistant/main.ts [--host 127.0.0.1] [--port 8123] [--version 2026.8.x|2026.9.x|2026.10.x]
//       [--access core|custom|none] [--resolve nvr.lan:443=10.73.0.12:443]… [--config-json '{…}']
//       [--control-port 8124] [--https] [--discovery-info present|absent] [--uuid <hex>]
// Prints exactly one JSON line on stdout once listening:
//   {"ready":true,"url":"http://…:8123","port":8123,"version":"2026.9.x","haVersion":"2026.9.1",
//    "adminToken":"…","userToken":"…","controlUrl":"http://…:8124"|null,"sha256":"AB:…"|null,"uuid":"…"}
// --https serves a fresh self-signed certificate (its SHA-256 in the ready line).
// --control-port starts the test hook (control.ts) on the same address.
// Exits 0 after closing on SIGTERM/SIGINT.
import { parseArgs } from 'node:util'
import { startControl } from './control.ts'
import { startHomeAssistantSimulator, type RunningHomeAssistant } from './server.ts'
import {
  ADMIN_TOKEN,
  createHaConfig,
  HA_SIM_VERSIONS,
  USER_TOKEN,
  type HaSimConfig,
  type HaSimVersion,
} from './state.ts'

function fail(message: string): never {
  console.error(`home-assistant simulator: ${message}`)
  process.exit(2)
}

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8123' },
    version: { type: 'string', default: '2026.9.x' },
    access: { type: 'string', default: 'core' },
    resolve: { type: 'string', multiple: true },
    'config-json': { type: 'string' },
    'control-port': { type: 'string' },
    https: { type: 'boolean', default: false },
    'discovery-info': { type: 'string', default: 'absent' },
    uuid: { type: 'string' },
  },
  strict: true,
})

if (!HA_SIM_VERSIONS.includes(values.version as HaSimVersion)) fail(`--version must be ${HA_SIM_VERSIONS.join(', ')}`)
if (!['core', 'custom', 'none'].includes(values.access)) fail('--access must be core, custom or none')
if (values['discovery-info'] !== 'present' && values['discovery-info'] !== 'absent')
  fail('--discovery-info must be present or absent')
if (values.uuid !== undefined && !/^[0-9a-f]{8,64}$/.test(values.uuid))
  fail('--uuid must be 8 to 64 lower-case hex digits')
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${values.port}`)
const resolve: Record<string, string> = {}
for (const item of values.resolve ?? []) {
  const eq = item.indexOf('=')
  if (eq <= 0) fail(`--resolve wants name[:port]=ip:port, got ${item}`)
  resolve[item.slice(0, eq)] = item.slice(eq + 1)
}
let extra: Partial<HaSimConfig> = {}
if (values['config-json'] !== undefined) {
  try {
    extra = JSON.parse(values['config-json']) as Partial<HaSimConfig>
  } catch (error) {
    fail(`--config-json: ${(error as Error).message}`)
  }
}
const config = createHaConfig({
  version: values.version as HaSimVersion,
  access: values.access as HaSimConfig['access'],
  discoveryInfo: values['discovery-info'] as HaSimConfig['discoveryInfo'],
  ...(values.uuid ? { uuid: values.uuid } : {}),
  ...extra,
  resolve: { ...resolve, ...(extra.resolve ?? {}) },
})

let running: RunningHomeAssistant
try {
  running = await startHomeAssistantSimulator(config, {
    host: values.host,
    port,
    ...(values.https ? { https: true } : {}),
  })
} catch (error) {
  fail(`cannot listen on ${values.host}:${port}: ${(error as Error).message}`)
}
let control: Awaited<ReturnType<typeof startControl>> | null = null
if (values['control-port'] !== undefined) {
  const controlPort = Number(values['control-port'])
  if (!Number.isInteger(controlPort) || controlPort < 0 || controlPort > 65535)
    fail(`bad --control-port ${values['control-port']}`)
  try {
    control = await startControl(running, { host: values.host, port: controlPort })
  } catch (error) {
    fail(`cannot listen on ${values.host}:${controlPort} (control): ${(error as Error).message}`)
  }
}
const stop = async () => {
  await control?.close()
  await running.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
process.stdout.write(
  `${JSON.stringify({
    ready: true,
    url: running.url,
    port: running.port,
    version: config.version,
    haVersion: config.haVersion,
    adminToken: config.tokens.find((t) => t.admin)?.token ?? ADMIN_TOKEN,
    userToken: config.tokens.find((t) => !t.admin)?.token ?? USER_TOKEN,
    controlUrl: control?.url ?? null,
    sha256: running.sha256,
    uuid: config.uuid,
  })}\n`,
)
