// CLI: run the Site Manager simulator (for lab hosts standing in for api.ui.com).
//   tsx tests/simulators/site-manager/main.ts --host 10.73.0.50 [--port 443] --key <cloud key>… [--hosts-json '[…]']
// Prints one JSON line once listening: {"ready":true,"url":"https://…","port":443,"sha256":"AB:…"}
// Exits 0 after closing on SIGTERM/SIGINT.
import { parseArgs } from 'node:util'
import { startSiteManagerSimulator, type SiteManagerHost } from './server.ts'

function fail(message: string): never {
  console.error(`site manager simulator: ${message}`)
  process.exit(2)
}

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '443' },
    key: { type: 'string', multiple: true, default: [] },
    'hosts-json': { type: 'string' },
  },
  strict: true,
})
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${values.port}`)
let hosts: SiteManagerHost[] = []
if (values['hosts-json'] !== undefined) {
  try {
    hosts = JSON.parse(values['hosts-json']) as SiteManagerHost[]
  } catch {
    fail('--hosts-json is not valid JSON')
  }
  if (!Array.isArray(hosts)) fail('--hosts-json must be a JSON array')
}

const running = await startSiteManagerSimulator({ host: values.host, port, apiKeys: values.key, hosts }).catch(
  (err: unknown) => fail(`cannot listen on ${values.host}:${port}: ${(err as Error).message}`),
)
const stop = async (): Promise<void> => {
  await running.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
process.stdout.write(
  `${JSON.stringify({ ready: true, url: running.url, port: running.port, sha256: running.sha256 })}\n`,
)
