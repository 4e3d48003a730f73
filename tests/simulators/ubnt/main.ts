// CLI: run UBNT responders inside a lab host.
//   node --import tsx tests/simulators/ubnt/main.ts --spec '<ResponderOptions JSON>'
// Prints one JSON line once every socket is bound:
//   {"ready":true,"devices":<n>,"addresses":[…]}
// Exits 0 after closing on SIGTERM/SIGINT.
import { parseArgs } from 'node:util'
import { startUbntResponder, type ResponderOptions } from './responder.ts'

const { values } = parseArgs({ options: { spec: { type: 'string' } }, strict: true })
if (!values.spec) {
  console.error('ubnt simulator: --spec is required')
  process.exit(2)
}
const spec = JSON.parse(values.spec) as ResponderOptions
const running = await startUbntResponder(spec).catch((err: Error) => {
  console.error(`ubnt simulator: ${err.message}`)
  process.exit(1)
})
const stop = (): void => {
  void running.close().then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdout.write(
  `${JSON.stringify({
    ready: true,
    devices: spec.devices.length,
    addresses: spec.devices.flatMap((d) => d.addresses),
  })}\n`,
)
