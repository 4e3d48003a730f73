// CLI: a UISP server (or UISP-firmware device) inside a lab host.
//   node --import tsx tests/simulators/uisp/main.ts --host 10.73.0.17 [--port 443] [--mode server|device]
// Prints one JSON line once listening: {"ready":true,"url":…,"port":…,"sha256":…}
import { parseArgs } from 'node:util'
import { startUispServer } from './server.ts'

const { values } = parseArgs({
  options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '443' }, mode: { type: 'string', default: 'server' } },
  strict: true,
})
const mode = values.mode === 'device' ? 'device' : 'server'
const running = await startUispServer({ host: values.host, port: Number(values.port), mode }).catch((err: Error) => {
  console.error(`uisp simulator: ${err.message}`)
  process.exit(1)
})
const stop = (): void => {
  void running.close().then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdout.write(`${JSON.stringify({ ready: true, url: running.url, port: running.port, sha256: running.sha256, mode })}\n`)
