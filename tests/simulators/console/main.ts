// CLI: run one console simulator (used inside lab hosts).
//   tsx tests/simulators/console/main.ts --preset udm-pro --host 10.73.0.11 [--port 443] [--name "…"] [--mac …]
//       [--config-json '{"auth":{"cookieName":"UOS_TOKEN"}}'] [--set path=value]…
// `--set` paths are ConsoleConfig fields (presets.ts), e.g. `--set booting=true`,
// `--set auth.lockout.lockSeconds=5`, `--set 'apps=["network","protect","access"]'`.
// Prints exactly one JSON line on stdout once listening:
//   {"ready":true,"url":"https://…","port":443,"sha256":"AB:…","preset":"udm-pro","mac":"…","name":"…"
//    [,"accessPort":12445,"accessUrl":"https://…:12445"]}
// Exits 0 after closing on SIGTERM/SIGINT.
import { parseArgs } from 'node:util'
import { overridesFromCli } from './cli-overrides.ts'
import { createConsoleConfig, deepMerge, isPresetName, presets } from './presets.ts'
import { serve } from '../serve.ts'
import { startConsoleSimulator } from './server.ts'

function fail(message: string): never {
  console.error(`console simulator: ${message}`)
  process.exit(2)
}

const { values } = parseArgs({
  options: {
    preset: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    name: { type: 'string' },
    mac: { type: 'string' },
    'config-json': { type: 'string' },
    set: { type: 'string', multiple: true },
  },
  strict: true,
})

const preset = values.preset ?? ''
if (!isPresetName(preset)) fail(`--preset must be one of ${Object.keys(presets).join(', ')}`)
const config = (() => {
  try {
    const knobs = overridesFromCli(createConsoleConfig(preset), {
      ...(values['config-json'] === undefined ? {} : { configJson: values['config-json'] }),
      ...(values.set === undefined ? {} : { set: values.set }),
    })
    return createConsoleConfig(
      preset,
      deepMerge(knobs, {
        ...(values.name === undefined ? {} : { name: values.name }),
        ...(values.mac === undefined ? {} : { mac: values.mac }),
      }),
    )
  } catch (err) {
    return fail((err as Error).message)
  }
})()
const port = values.port === undefined ? config.defaultPort : Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${values.port}`)

await serve(() => startConsoleSimulator(config, { host: values.host, port }), {
  fail,
  where: `${values.host}:${port}`,
  ready: (running) => ({
    url: running.url,
    port: running.port,
    sha256: running.sha256,
    preset: config.preset,
    mac: config.mac,
    name: config.name,
    ...(running.accessPort === undefined ? {} : { accessPort: running.accessPort, accessUrl: running.accessUrl }),
  }),
})
